"""`python -m storysite.receiver --db PATH ...` serves the receiver."""

from .commands import receive

receive(prog_name="python -m storysite.receiver")
