"""Pelican settings for the speed benchmarks (benchmarks/run.py passes the content,
output and cache folders on the command line). Chosen to make pages like storysite's:
a page per story, a paginated index, tag pages and one Atom feed; the content cache
is on, as a Pelican user who cares about rebuild speed would have it."""

SITENAME = "Benchmark stories"
SITEURL = ""
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
RELATIVE_URLS = True
DEFAULT_PAGINATION = 10

ARTICLE_URL = "stories/{slug}/"
ARTICLE_SAVE_AS = "stories/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_SAVE_AS = "tags/index.html"

FEED_DOMAIN = "https://stories.example.org"
FEED_ALL_ATOM = "feed.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CHECK_MODIFIED_METHOD = "mtime"
