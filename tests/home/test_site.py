"""The site shell: search, robots, sitemap, error pages, meta tags, menu and
footer, cache headers and their invalidation, per-page CSP for embeds."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from django.test import Client
from wagtail.images import get_image_model
from wagtail.models import Site

from campaign import factories
from home.models import HomePage, SiteSettings, StandardPage

pytestmark = pytest.mark.django_db


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def site_settings() -> SiteSettings:
    return SiteSettings.for_site(Site.objects.get(is_default_site=True))


def add_standard_page(**fields) -> StandardPage:
    page = StandardPage(**({"title": "About us", "slug": "about"} | fields))
    HomePage.objects.get().add_child(instance=page)
    return factories.publish(page)


# --- Search ----------------------------------------------------------------------


def test_search_finds_campaigns_updates_and_standard_pages(client):
    factories.campaign_page_create(title="Census challenge", standfirst="Pupil labels.")
    index = factories.update_index_create()
    factories.update_page_create(index=index, title="Census window opens")
    add_standard_page(title="Census explained", intro="What the census is.")
    draft = factories.campaign_page_create(title="Census draft")
    draft.unpublish()
    response = client.get("/search/", {"q": "census"})
    titles = {a.text for a in soup_of(response).select(".search-results a")}
    assert titles == {"Census challenge", "Census window opens", "Census explained"}


def test_search_is_paginated(client):
    index = factories.update_index_create()
    for number in range(12):
        factories.update_page_create(index=index, title=f"Pupil data news {number}")
    first = soup_of(client.get("/search/", {"q": "pupil"}))
    assert len(first.select(".search-results li")) == 10
    assert "12 results" in first.text
    second = soup_of(client.get("/search/", {"q": "pupil", "page": 2}))
    assert len(second.select(".search-results li")) == 2
    assert second.select_one(".pagination a")["href"] == "?q=pupil&page=1"


@pytest.mark.parametrize(
    "query",
    [
        "x" * 5000,
        "données élèves 学生 🧒",
        "'; DROP TABLE wagtailcore_page; --",
        "census\x00labels",
        '" OR 1=1 --',
        "& | ! ( ) : * <>",
        "   ",
    ],
)
def test_search_takes_any_input_without_an_error(client, query):
    factories.campaign_page_create(title="Census challenge")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("input", attrs={"name": "q"})  # the form is still there
    answered = soup.select(".search-results li") or "Nothing matched" in soup.text
    assert answered or not query.strip()  # a blank query shows the form only
    # Whatever was typed comes back as text, never as markup.
    assert b"<>" not in response.content and b"DROP TABLE wagtailcore_page" not in (
        b"".join(str(tag).encode() for tag in soup.find_all("script"))
    )


def test_search_without_a_query_shows_the_form_only(client):
    soup = soup_of(client.get("/search/"))
    assert soup.find("input", attrs={"name": "q"})
    assert not soup.select(".search-results")


# --- Robots, sitemap, error pages ---------------------------------------------


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_sitemap_lists_live_pages_only(client):
    campaign = factories.campaign_page_create(slug="labels")
    draft = factories.campaign_page_create(slug="draft")
    draft.unpublish()
    body = client.get("/sitemap.xml").content.decode()
    assert "/labels/</loc>" in body
    assert "/draft/" not in body
    assert campaign.get_full_url() in body


def test_unknown_page_gets_the_custom_404_with_a_way_on(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    soup = soup_of(response)
    assert soup.h1.text == "Page not found"
    assert soup.find("a", href="/search/")


def test_500_page_renders_without_a_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "<script" not in html


# --- Meta tags, menu and footer ------------------------------------------------


def test_pages_carry_canonical_url_and_opengraph_with_a_share_image(client):
    image = factories.image_create(size=(1600, 900))
    campaign = factories.campaign_page_create(
        slug="labels", hero_image=image, standfirst="Labels follow children."
    )
    soup = soup_of(client.get(campaign.url))
    assert soup.find("link", rel="canonical")["href"] == "http://localhost/labels/"
    meta = {
        tag["property"]: tag["content"] for tag in soup.find_all("meta", property=True)
    }
    assert meta["og:title"] == campaign.title
    assert meta["og:description"] == "Labels follow children."
    assert meta["og:url"] == "http://localhost/labels/"
    assert meta["og:image"].startswith("http://testserver/")
    assert "fill-1200x630" in meta["og:image"]


def test_pages_without_an_image_share_the_site_default_image(client):
    row = site_settings()
    row.default_share_image = factories.image_create(size=(1600, 900))
    row.save()
    page = add_standard_page()
    soup = soup_of(client.get(page.url))
    assert soup.find("meta", property="og:image")


def test_menu_shows_live_pages_marked_show_in_menus(client):
    add_standard_page(title="About us", slug="about", show_in_menus=True)
    add_standard_page(title="Contact", slug="contact", show_in_menus=False)
    soup = soup_of(client.get("/about/"))
    nav = soup.find("nav", attrs={"aria-label": "Main"})
    labels = [a.text for a in nav.find_all("a")]
    assert labels == ["About us", "Search"]
    assert nav.find("a", href="/about/")["aria-current"] == "page"


def test_footer_shows_settings_privacy_notice_and_social_profiles(client):
    privacy = add_standard_page(title="Privacy notice", slug="privacy")
    row = site_settings()
    row.organisation_name = "Defend Pupil Privacy"
    row.registration_number = "1234567"
    row.is_registered_charity = True
    row.footer_text = "We campaign for pupils' privacy."
    row.privacy_notice = privacy
    row.bluesky_url = "https://bsky.app/profile/example.org"
    row.save()
    footer = soup_of(client.get("/")).find("footer")
    assert "Registered charity number 1234567" in footer.text
    assert "We campaign for pupils' privacy." in footer.text
    assert footer.find("a", href="/privacy/").text == "Privacy notice"
    assert footer.find("a", href="https://bsky.app/profile/example.org")


def test_social_profile_urls_must_be_https():
    from django.core.exceptions import ValidationError

    row = site_settings()
    row.x_url = "http://x.com/example"
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "x_url" in error.value.message_dict


def test_home_page_shows_hero_featured_campaign_and_latest_updates(client):
    campaign = factories.campaign_page_create(title="Labels last a lifetime")
    index = factories.update_index_create()
    for number in range(4):
        factories.update_page_create(index=index, title=f"News {number}")
    home = HomePage.objects.get()
    home.hero_headline = "Children's data should not follow them for life"
    home.featured_campaign = campaign
    factories.publish(home)
    soup = soup_of(client.get("/"))
    assert soup.h1.text == "Children's data should not follow them for life"
    assert soup.select_one(".featured-campaign a").text == "Labels last a lifetime"
    latest = [a.text for a in soup.select(".latest-updates .card__title a")]
    assert len(latest) == 3


# --- Cache headers, invalidation, renditions -------------------------------------


def test_anonymous_pages_are_publicly_cacheable(client, settings):
    settings.PUBLIC_PAGE_MAX_AGE = 120
    campaign = factories.campaign_page_create()
    for url in ["/", campaign.url, "/search/?q=x", "/robots.txt", "/sitemap.xml"]:
        response = client.get(url)
        assert response["Cache-Control"] == "public, max-age=120", url
        assert not response.cookies


def test_logged_in_editors_never_get_a_cacheable_page(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("reader", password="x" * 20)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert "public" not in client.get("/").get("Cache-Control", "")


def test_pages_showing_a_csrf_token_are_not_publicly_cached(client):
    from django.middleware.csrf import get_token

    from home.middleware import PublicCacheControlMiddleware

    def page_with_a_form(request):
        from django.http import HttpResponse

        from home.middleware import mark_public

        return mark_public(HttpResponse(f"<form>{get_token(request)}</form>"))

    request = Client().get("/").wsgi_request  # a real request object
    request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
    request.COOKIES = {}
    response = PublicCacheControlMiddleware(page_with_a_form)(request)
    assert "public" not in response.get("Cache-Control", "")


def test_views_that_do_not_opt_in_are_left_alone(client):
    assert "public" not in client.get("/healthz/").get("Cache-Control", "")
    assert "public" not in client.get("/admin/login/").get("Cache-Control", "")


def test_publishing_an_update_refreshes_cached_home_page_fragments(client):
    index = factories.update_index_create()
    factories.update_page_create(index=index, title="First news")
    assert "First news" in client.get("/").content.decode()  # now cached
    factories.update_page_create(index=index, title="Second news")
    assert "Second news" in client.get("/").content.decode()


def test_unpublishing_removes_a_page_from_the_cached_menu(client):
    page = add_standard_page(title="About us", show_in_menus=True)
    assert 'href="/about/"' in client.get("/").content.decode()
    page.unpublish()
    assert 'href="/about/"' not in client.get("/").content.decode()


def test_editing_a_published_page_refreshes_its_cached_body(client):
    from wagtail.rich_text import RichText

    page = add_standard_page(body=[("paragraph", RichText("<p>Old words</p>"))])
    assert "Old words" in client.get(page.url).content.decode()
    page.body = [("paragraph", RichText("<p>New words</p>"))]
    factories.publish(page)
    html = client.get(page.url).content.decode()
    assert "New words" in html and "Old words" not in html


def test_publishing_makes_the_renditions_so_readers_never_wait(client):
    Rendition = get_image_model().get_rendition_model()
    image = factories.image_create(size=(1600, 900))
    index = factories.update_index_create()
    update = factories.update_page_create(index=index, hero_image=image)
    made_on_publish = set(
        Rendition.objects.filter(image=image).values_list("filter_spec", flat=True)
    )
    assert {"fill-1200x600-c50", "fill-640x360-c50", "fill-1200x630-c50"} <= (
        made_on_publish
    )
    client.get(update.url)
    client.get(index.url)
    assert Rendition.objects.filter(image=image).count() == len(made_on_publish)


# --- Content-Security-Policy ------------------------------------------------------


def test_pages_without_embeds_allow_no_frames_from_elsewhere(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "youtube" not in policy
    assert "frame-ancestors 'none'" in policy


def test_a_page_with_a_video_allows_only_that_provider_in_frames(client):
    page = add_standard_page(
        body=[
            (
                "embed",
                {
                    "url": "https://vimeo.com/76979871",
                    "title": "Our case",
                    "poster": None,
                },
            )
        ]
    )
    response = client.get(page.url)
    policy = response["Content-Security-Policy"]
    assert "frame-src 'self' https://player.vimeo.com" in policy
    assert "youtube" not in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # The page itself loads nothing from Vimeo: the player URL is only data.
    soup = soup_of(response)
    assert not soup.find("iframe")
    assert soup.find("script", src="/static/js/site.js")


def test_public_pages_have_no_inline_scripts_or_style_attributes(client):
    campaign = factories.campaign_page_create()
    for url in ["/", campaign.url, "/search/?q=a", "/no-such-page/"]:
        soup = soup_of(client.get(url))
        assert not soup.find(style=True), url
        assert not soup.find("style"), url
        for script in soup.find_all("script"):
            assert script.get("src", "").startswith("/static/"), url


def test_bodies_with_a_form_block_are_never_served_from_the_fragment_cache():
    from wagtail import blocks as wagtail_blocks

    from campaign.blocks import HeadingBlock
    from home.templatetags.site_tags import stream_is_cacheable

    class FormBlock(wagtail_blocks.StaticBlock):
        """Like a sign-up form: not declared cache-safe."""

    stream = wagtail_blocks.StreamBlock(
        [("form", FormBlock()), ("heading", HeadingBlock())]
    )
    heading = {"type": "heading", "value": {"text": "Hi", "level": "h2"}}
    assert stream_is_cacheable(stream.to_python([heading]))
    assert not stream_is_cacheable(
        stream.to_python([heading, {"type": "form", "value": None}])
    )
