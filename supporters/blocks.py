"""SignupBlock: the email sign-up form as a StreamField block.

campaign/ (or any page app) adds it to its StreamFields:
    ("signup", SignupBlock())
The form posts to /signup/ (supporters.views.signup), which answers neutrally.
"""

from wagtail import blocks


class SignupBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        max_length=120, default="Get campaign updates by email", required=False
    )
    intro = blocks.TextBlock(
        max_length=300,
        required=False,
        help_text="One or two sentences on what people will get.",
    )

    class Meta:
        icon = "mail"
        template = "blocks/signup.html"
        description = "An email sign-up form (double opt-in, with consent wording)"
        preview_value = {
            "heading": "Get campaign updates by email",
            "intro": "News on the legal case and what you can do, about twice a month.",
        }
