"""{% signup_form %}: the sign-up form, for the footer, blocks and pages."""

from django import template

from supporters.forms import SignupForm

register = template.Library()


@register.inclusion_tag("supporters/includes/signup_form.html", takes_context=True)
def signup_form(context, *, heading="", intro="", compact=False, form=None):
    request = context.get("request")
    return {
        "form": form or SignupForm(),
        "heading": heading,
        "intro": intro,
        "compact": compact,
        "page_path": request.path if request else "",
        "form_id": "signup-footer" if compact else "signup",
    }
