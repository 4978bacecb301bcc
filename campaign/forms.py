"""Admin forms of the campaign app (HTTP only)."""

from __future__ import annotations

from django.conf import settings
from wagtail.images.forms import BaseImageForm


def too_many_pixels_message() -> str:
    """Wagtail fills in ``num_pixels`` and ``max_pixels_count``."""
    megapixels = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS // 1_000_000
    return (
        "This image is too big to use on the site: it has %(num_pixels)s pixels, "
        f"and the most the site accepts is {megapixels} megapixels "
        "(%(max_pixels_count)s pixels, for example 8000 by 5000). Resize it to "
        "at most 4000 pixels wide, which is plenty for any page, and upload "
        "it again."
    )


class ImageForm(BaseImageForm):
    """Wagtail's image form (WAGTAILIMAGES_IMAGE_FORM_BASE) with a plain-words
    message when an upload has more pixels than WAGTAILIMAGES_MAX_IMAGE_PIXELS:
    a thumbnail of a 90-megapixel image takes hundreds of MB of memory."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            self.fields["file"].error_messages["file_too_many_pixels"] = (
                too_many_pixels_message()
            )
