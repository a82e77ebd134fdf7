"""learner: what the learner does with the cards, read back into papercards.

`weak` ranks items by the pulled review history (`store.history`) for `quiz --weak` and
`status --weak`; `screen` lays text out for a terminal (display width, Chinese included);
`triage` is the keep/suspend/edit walk of `papercards review`.
"""
