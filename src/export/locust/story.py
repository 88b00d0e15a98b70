

# The story's steps, in story order: (number, pause before it in seconds, delivery).
# A walk fills in one set of fresh ids for all of them, and times counted from its start.
STORY = {{STORY_NAME}}
STEPS = (
{{STEPS}}
)
# The fresh ids of one walk: the same in every step that carries them.
WALK_IDS = {
{{WALK_IDS}}
}
# Deliver the steps in a random order (each walk its own), as `story --shuffle` does.
SHUFFLE = {{SHUFFLE}}
# How many steps each walk delivers a second time, the same bytes and signature, each later than
# its first delivery (a retry after a lost answer), as `--duplicates {{DUPLICATES_FRACTION}}` does.
DUPLICATES = {{DUPLICATES}}


def plan(rng):
    """One walk's deliveries as (step index, is a re-delivery), in the order they go out."""
    order = list(range(len(STEPS)))
    if SHUFFLE:
        rng.shuffle(order)
    sequence = [(step, False) for step in order]
    for step in sorted(rng.sample(range(len(STEPS)), DUPLICATES)):
        first = sequence.index((step, False))
        sequence.insert(rng.randint(first + 1, len(sequence)), (step, True))
    return sequence


class {{CLASS}}(WebhookSender):
    """Walks the story again and again, one delivery at a time, each walk with fresh ids.

    Thousands of users are thousands of {{THINGS}} living the story at once. Each request is
    named by its step (`03 note.added`), so Locust's table reads in story order; give Locust
    --stop-timeout so that the walks under way end before it stops. There is no pause between
    walks; the pauses inside a walk are the story's own (`after`).
    """

    @task
    def walk(self):
        start = now_ms()
        ids = {name.encode("ascii"): fresh_id(self.rng, shape) for name, shape in WALK_IDS.items()}
        bodies = {}
        for index, again in plan(self.rng):
            number, pause, delivery = STEPS[index]
            name = f"{number:02} {delivery.event}"
            if again:
                deliver(self, name + " (re-delivery)", delivery, bodies[index])
                continue
            if pause:
                gevent.sleep(pause)
            bodies[index] = delivery.render(start, ids)
            deliver(self, name, delivery, bodies[index])
