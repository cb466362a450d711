"""storysite: a static site generator for co-production stories.

The one promise: a name that must not be published is never published.
"""

__version__ = "0.1.0"
