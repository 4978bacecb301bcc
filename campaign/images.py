"""The image sizes templates use, declared once.

Renditions for these are made when a page is published (campaign.signals), so
readers never wait for one and none is generated per reader.
"""

HERO = "fill-1200x600-c50"
HERO_SMALL = "fill-600x300-c50"
CARD = "fill-640x360-c50"
SHARE = "fill-1200x630-c50"  # OpenGraph
BODY = "width-800"
BODY_SMALL = "width-400"
POSTER = "fill-960x540-c50"

PAGE_IMAGE_SPECS = (HERO, HERO_SMALL, CARD, SHARE)
BODY_IMAGE_SPECS = (BODY, BODY_SMALL)
