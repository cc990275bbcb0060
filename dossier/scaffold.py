"""``dossier init`` and ``dossier new``: skeletons that build cleanly; never overwrite."""
from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from .config import CONFIG_FILE
from .model import FOLDERS
from .names import slugify

NEW_KINDS = ("article", "person", "place", "organization", "event", "claim", "page")


class ScaffoldError(Exception):
    pass


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def skeleton(kind: str, title: str, today: _dt.date) -> str:
    t = _q(title)
    d = today.isoformat()
    bodies = {
        "article": f"""---
title: {t}
date: {d}
summary: ""
authors: []
type: report   # report, interview, analysis, translation...
# source: {{publisher: "", url: "https://", published: {d}, language: en}}
people: []
places: []
organizations: []
tags: []
draft: true
---

Write the article here. Link people, places and organisations with [[Their Name]].
""",
        "person": f"""---
title: {t}
aliases: []   # other spellings: [Masood, Masud]
# born: 1989
roles: []
affiliations: []
summary: ""
---

Who they are, in two or three sentences.
""",
        "place": f"""---
title: {t}
aliases: []
# coordinates: [35.3, 69.5]   # latitude, longitude
# within: Afghanistan
summary: ""
---

Where it is and why it matters to this dossier.
""",
        "organization": f"""---
title: {t}
aliases: []
# founded: 1994
type: ""
summary: ""
---

What the organisation is.
""",
        "event": f"""---
title: {t}
date: {d}   # 2021, 2021-08 or 2021-08-15 as far as it is known
# end: {d}
# approximate: true
# place: Kabul
people: []
organizations: []
sources: []
tags: []
---

What happened, and who reports it.
""",
        "claim": f"""---
title: {t}
status: unverified   # unverified, disputed, denied, false, misleading, confirmed
# claimant: Name of a person or organisation
date: {d}
sources: []
---

The evidence for and against the claim.
""",
        "page": f"""---
title: {t}
---

""",
    }
    return bodies[kind]


def content_path(root: Path, kind: str, title: str) -> Path:
    folder = root / "content" / FOLDERS[kind] if kind in FOLDERS else root / "content"
    return folder / f"{slugify(title)}.md"


def new(root: Path, kind: str, title: str, today: _dt.date | None = None) -> Path:
    if kind not in NEW_KINDS:
        raise ScaffoldError(f'unknown kind "{kind}" (choose from {", ".join(NEW_KINDS)})')
    if not title.strip():
        raise ScaffoldError("the title is empty")
    path = content_path(Path(root), kind, title)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as fh:  # "x": never overwrite
            fh.write(skeleton(kind, title.strip(), today or _dt.date.today()))
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; nothing was changed") from None
    return path


EXAMPLE_FILES = {
    CONFIG_FILE: """title: {title}
description: A dossier built with dossier.
base_url: /
language: en
# author: Your newsroom
""",
    "content/articles/first-report.md": """---
title: First report from the valley
date: 2021-08-21
summary: An example article; it links a person, a place and an organisation.
authors: [Dossier desk]
type: report
people: [Jane Example]
places: [Example Valley]
organizations: [Example Front]
tags: [example]
events:
  - title: Example Front announces itself
    date: 2021-08
    place: Example Valley
---

## What happened

[[Jane Example]] spoke from [[Example Valley|the valley]] about the [[Example Front]].
See the [[Example Front claims control of the valley|claim]] and the [[Roads close in the valley|event]].
""",
    "content/people/jane-example.md": """---
title: Jane Example
aliases: [J. Example]
roles: [spokesperson]
affiliations: [Example Front]
---

An example person. Add every spelling of a name to `aliases`.
""",
    "content/places/example-valley.md": """---
title: Example Valley
aliases: [The Valley]
coordinates: [35.4, 69.7]
---

An example place with coordinates.
""",
    "content/organizations/example-front.md": """---
title: Example Front
founded: 2021-08
type: armed group
---

An example organisation.
""",
    "content/events/roads-close.md": """---
title: Roads close in the valley
date: 2021-08-20
approximate: true
place: Example Valley
people: [Jane Example]
sources: ["[[First report from the valley]]"]
tags: [example]
---

An example event, dated approximately.
""",
    "content/claims/front-controls-valley.md": """---
title: Example Front claims control of the valley
status: unverified
claimant: Example Front
date: {today}   # an unverified claim is flagged by dossier check (E605) 30 days after its date
sources: ["[[First report from the valley]]"]
---

An example claim, not yet verified.
""",
    "content/about.md": """---
title: About
---

What this dossier covers, who keeps it, and how to reach them.
""",
}


def init(target: Path) -> list[Path]:
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(f"{target} exists and is not empty; choose a new folder")
    created = []
    for rel, text in EXAMPLE_FILES.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text.replace("{title}", _q(target.resolve().name)).replace("{today}", _dt.date.today().isoformat()))
        created.append(path)
    return created
