

# The deliveries, one per event: each request fills in fresh ids and the time it is sent.

{{DELIVERIES}}


class {{CLASS}}(WebhookSender):
    """Delivers the events above as fast as the endpoint answers, mixed by their weights.

    Every request is a new delivery: fresh ids and the current millisecond in the envelope's
    timestamp, so a receiver that deduplicates (as the reference asks) sees no duplicates.
    """

    def deliver(self, delivery):
        ids = {name: fresh_id(self.rng, shape) for name, shape in delivery.ids}
        deliver(self, delivery.event, delivery, delivery.render(now_ms(), ids))
{{TASKS}}
