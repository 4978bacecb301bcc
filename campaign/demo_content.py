"""Demo text for the seeded campaign, written for this project from the
facts in the campaign brief."""

from __future__ import annotations

CAMPAIGN = {
    "title": "Labels last a lifetime",
    "slug": "labels-last-a-lifetime",
    "hashtag": "LabelsLastaLifetime",
    "crowdjustice_url": "https://www.crowdjustice.com/case/labels-last-a-lifetime/",
    "standfirst": (
        "The Department for Education now records labels such as pregnancy and "
        "mental health against the names of children in alternative provision, "
        "and keeps them for good. We are taking it to court."
    ),
    "demands": [
        (
            "Keep pupil data safe",
            "Records about children should be protected as the sensitive "
            "information they are.",
        ),
        (
            "No identifying data for companies or the press without consent",
            "Stop handing out named, pupil-level records to commercial firms "
            "and journalists.",
        ),
        (
            "Tell pupils and parents",
            "Families should know what is collected about them and who it is "
            "passed to.",
        ),
        (
            "Be open about policy and practice",
            "Publish how decisions about pupil data are made, and by whom.",
        ),
    ],
    "body": [
        ("heading", "What is happening"),
        (
            "paragraph",
            "<p>The Alternative Provision Census counts children who are taught "
            "outside mainstream school each year. A Statutory Instrument laid in "
            "September widened it: new labels, among them <b>pregnancy</b> and "
            "<b>mental health</b>, are now attached to each child's named record "
            "and sent to the National Pupil Database, where nothing is ever "
            "deleted.</p>",
        ),
        ("statistic", ("1,000+", "releases of identifying pupil data since 2012")),
        (
            "paragraph",
            "<p>From that database, named pupil-level data has been released "
            "to outside organisations more than a thousand times, including to "
            "businesses and newspapers. Nobody asked the children or their "
            "parents.</p>",
        ),
        ("heading", "Why it matters"),
        (
            "paragraph",
            "<p>A label recorded in a hard year at fourteen can be reused long "
            "after school, in settings nobody had in mind, from research to "
            "predictive policing. And those who work in alternative provision "
            "doubt the figures are even right: the rules count some children "
            "twice over and others not at all, and areas count on different "
            "days.</p>",
        ),
        (
            "quote",
            (
                "Researchers should come to the data, not have copies of "
                "children's records sent out to them.",
                "Our founding principle",
            ),
        ),
        ("heading", "How you can help"),
        (
            "paragraph",
            "<ul><li>Give towards the legal costs, here or on CrowdJustice.</li>"
            "<li>Pledge now to give later, on payday.</li>"
            "<li>Raise it in your community and with your MP.</li>"
            "<li>Share the campaign with #LabelsLastaLifetime.</li></ul>",
        ),
    ],
    # (date offset in days from seeding or None, date label, title, text, state)
    "milestones": [
        (
            None,
            "September",
            "New census rules laid",
            "A Statutory Instrument widens what is collected about each child.",
            "done",
        ),
        (
            None,
            "December",
            "We ask the Department to think again",
            "We set out the risks and ask for the new labels to be dropped.",
            "done",
        ),
        (
            None,
            "January",
            "We write to the Secretary of State",
            "Before collection starts, we ask for it to be paused. No change.",
            "done",
        ),
        (
            -20,
            "",
            "Letter before action sent",
            "Our solicitors send the formal first step towards judicial review.",
            "done",
        ),
        (
            None,
            "In the coming weeks",
            "Claim filed",
            "If the Department does not change course, we file at the High Court.",
            "next",
        ),
        (
            None,
            "",
            "Permission decision",
            "A judge decides if the case goes ahead.",
            "upcoming",
        ),
        (None, "", "Hearing", "Both sides argue the case in court.", "upcoming"),
        (None, "", "Judgment", "The court rules on the new collection.", "upcoming"),
    ],
}

TOPICS = {
    "npd": "National Pupil Database",
    "apc": "Alternative Provision Census",
    "jr": "Judicial review",
    "rights": "Pupil data rights",
}

# (days before seeding, slug, title, author, topics, standfirst, paragraphs)
UPDATES = [
    (
        38,
        "why-we-are-challenging-the-census",
        "Why we are challenging the new census rules",
        "Campaign team",
        ["apc", "npd"],
        "The new rules attach sensitive labels to children's names for good. "
        "Here is what changed and why we think it is wrong.",
        [
            "In September the Department widened the Alternative Provision "
            "Census without a public debate. Labels that would be handled with "
            "great care in a doctor's surgery are now copied into a national "
            "database with no end date.",
            "We asked for changes in December and wrote to the Secretary of "
            "State in January. Neither letter changed anything, so we are "
            "preparing to go to court.",
        ],
    ),
    (
        30,
        "what-the-national-pupil-database-holds",
        "What the National Pupil Database holds, and who sees it",
        "Research team",
        ["npd", "rights"],
        "A short guide to the database that keeps a record of every state "
        "school pupil in England, and to the releases made from it.",
        [
            "The database links records from each year of a child's education. "
            "Since 2012 identifying extracts have been approved for release "
            "more than a thousand times.",
            "Some went to universities, but others went to companies and to "
            "journalists. Families were not told.",
        ],
    ),
    (
        21,
        "letter-before-action-sent",
        "Our lawyers have sent a letter before action",
        "Director",
        ["jr"],
        "The first formal step towards a judicial review has been taken. The "
        "Department now has a set time to reply.",
        [
            "Our solicitors and barristers have written to the Department "
            "setting out why we believe the new collection is unlawful and "
            "what it should do instead.",
            "If the reply does not resolve the problem, we will ask the High "
            "Court for permission to bring a judicial review.",
        ],
    ),
    (
        12,
        "census-window-opens",
        "The census window is open: what parents can do",
        "Campaign team",
        ["apc", "rights"],
        "Local authorities are sending this year's data now. Parents can ask "
        "what has been recorded about their child.",
        [
            "Data are returned between 18 January and 2 March, join the "
            "National Pupil Database, and can be released from June.",
            "You have the right to ask your local authority and school what "
            "they hold. We have put a template letter in our briefing.",
        ],
    ),
    (
        4,
        "practitioners-doubt-the-figures",
        "Practitioners doubt the new figures add up",
        "Research team",
        ["apc"],
        "Those who teach in alternative provision tell us the new census "
        "counts children in ways that cannot be compared.",
        [
            "Under the guidance, a child excluded for good who also has a "
            "mental-health need is recorded only under exclusion. Some areas "
            "count the children present on census day; others count the whole "
            "year.",
            "Inaccurate labels are worse than none when they follow a child for life.",
        ],
    ),
]
