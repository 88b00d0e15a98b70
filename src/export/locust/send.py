

# The deliveries, one per event: each request fills in fresh ids and the time it is sent.

{{DELIVERIES}}


class {{CLASS}}(FastHttpUser):
    """Delivers the events above as fast as the endpoint answers, mixed by their weights.

    Every request is a new delivery: fresh ids and the current millisecond in the envelope's
    timestamp, so a receiver that deduplicates (as the reference asks) sees no duplicates.
    """

    # No pause: each user sends its next delivery once the last one is answered. For a steady
    # rate per user, use constant_throughput(N) from locust instead.
    wait_time = constant(0)
    # The deadline of an answer ({{TIMEOUT_WHY}}).
    network_timeout = {{TIMEOUT}}
    connection_timeout = {{TIMEOUT}}
    # Check the endpoint's certificate, as titancard-wh does (Locust's own default is not to).
    insecure = False

    def on_start(self):
        # Seeded from the system's randomness: users, workers and forks draw different ids.
        self.rng = random.Random()

    def deliver(self, delivery):
        ids = {name: fresh_id(self.rng, shape) for name, shape in delivery.ids}
        deliver(self, delivery.event, delivery, delivery.render(now_ms(), ids))
{{TASKS}}
