"""Files for the demo that the project makes itself: a banner image (Pillow)
and a briefing PDF (reportlab). Nothing is downloaded."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

PALETTE = ["#5b1f7a", "#7b3b9a", "#3d1352", "#f4f0f7", "#ffbf47"]


def banner_png(*, text: str, seed: int = 0, size=(1600, 900)) -> bytes:
    """An abstract banner: stacked "labels" in the site's colours and a caption."""
    width, height = size
    image = Image.new("RGB", size, PALETTE[2])
    draw = ImageDraw.Draw(image)
    for row in range(8):
        top = 60 + row * 90
        left = 80 + ((row * 137 + seed * 53) % 420)
        right = left + 420 + ((row * 211 + seed * 97) % 600)
        colour = PALETTE[(row + seed) % 2]
        draw.rounded_rectangle((left, top, right, top + 60), radius=14, fill=colour)
        draw.ellipse((left + 18, top + 18, left + 42, top + 42), fill=PALETTE[3])
    font = ImageFont.load_default(size=72)
    draw.rectangle((0, height - 170, width, height), fill=PALETTE[2])
    draw.text((80, height - 140), text, fill=PALETTE[4], font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


BRIEFING_SECTIONS = [
    (
        "What changed",
        [
            "In September the Department for Education laid a Statutory "
            "Instrument that widens what the Alternative Provision Census asks "
            "about each child. The census covers children taught outside "
            "mainstream school: in pupil referral units, hospital schools and "
            "other settings arranged by local authorities.",
            "Among the new items are labels such as pregnancy and mental "
            "health. They are recorded against a named child and passed to the "
            "National Pupil Database, where they are kept with no end date.",
        ],
    ),
    (
        "Where the data go",
        [
            "The National Pupil Database is not sealed. Since 2012 the "
            "Department has approved well over a thousand releases of "
            "identifying, pupil-level records to organisations outside "
            "government, among them commercial firms and journalists.",
            "Families are not asked and are rarely told. A child labelled at "
            "thirteen cannot see who has received that label, and cannot ask "
            "for it to be removed.",
        ],
    ),
    (
        "Why accuracy is in doubt",
        [
            "People who work in alternative provision question whether the "
            "figures mean what they appear to mean. Under the guidance, a child "
            "excluded permanently who also has a mental-health need is counted "
            "only under exclusion, so the new category undercounts.",
            "Local authorities also count differently: some record the children "
            "present on census day, others everyone who attended during the "
            "previous year. Figures built this way cannot be compared, yet they "
            "follow each child indefinitely.",
        ],
    ),
    (
        "Key dates",
        [
            "Local authorities return census data between 18 January and "
            "2 March. The records then join the National Pupil Database and "
            "become available for release to third parties from June.",
            "We raised our concerns with the Department in December and wrote "
            "to the Secretary of State in January, before collection began. "
            "Neither letter changed the plans.",
        ],
    ),
    (
        "Our legal challenge",
        [
            "Our solicitors, working with barristers, have sent the Department "
            "a letter before action. It is the formal first step towards asking "
            "the High Court to review the lawfulness of the new collection.",
            "The case is funded by supporters. Every contribution goes towards "
            "legal costs, and we publish what we raise.",
        ],
    ),
    (
        "What we are asking for",
        [
            "Make pupil data safe. Stop handing identifying records to "
            "companies and the press without consent. Tell pupils and parents "
            "what is collected and where it goes. Be open about policy and "
            "practice.",
            "Our principle is simple: researchers should come to the data in a "
            "safe setting, rather than copies of children's records being sent "
            "out.",
        ],
    ),
]


def briefing_pdf(*, title: str) -> bytes:
    """A few pages on the Alternative Provision Census, set with reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="Defend Pupil Privacy (demo)",
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        invariant=True,  # same bytes every run: seeding stays idempotent
    )
    styles = getSampleStyleSheet()
    story = [
        Paragraph(title, styles["Title"]),
        Paragraph("A briefing for parents, practitioners and MPs", styles["Heading3"]),
        Spacer(1, 8 * mm),
    ]
    for number, (heading, paragraphs) in enumerate(BRIEFING_SECTIONS, start=1):
        story.append(Paragraph(f"{number}. {heading}", styles["Heading2"]))
        for text in paragraphs:
            story.append(Paragraph(text, styles["BodyText"]))
            story.append(Spacer(1, 3 * mm))
        if number % 2 == 0 and number < len(BRIEFING_SECTIONS):
            story.append(PageBreak())
    document.build(story)
    return buffer.getvalue()
