"""POST data of the article admin page, as the browser sends it: the article's fields and
the management forms of its three inlines (translations, related articles, old addresses)."""

from knowledgebase.models import Status


def article_form(category, *, translations=(), related=(), old_addresses=0, **fields):
    """`translations`: dicts of {id?, language, title, slug?, summary?, body?, tags?}."""
    data = {
        "category": category.pk,
        "kind": "tutorial",
        "status": Status.DRAFT,
        "publish_at_0": "",
        "publish_at_1": "",
        "position": 0,
        "help_key": "",
        "external_id": "",
        **fields,
    }
    initial = sum(1 for item in translations if item.get("id"))
    data |= _management("translations", len(translations), initial)
    for index, item in enumerate(translations):
        prefix = f"translations-{index}-"
        data |= {
            f"{prefix}id": item.get("id", ""),
            f"{prefix}language": item["language"],
            f"{prefix}title": item.get("title", ""),
            f"{prefix}slug": item.get("slug", ""),
            f"{prefix}summary": item.get("summary", ""),
            f"{prefix}body": item.get("body", ""),
            f"{prefix}tags": item.get("tags", ""),
        }
        if item.get("DELETE"):
            data[f"{prefix}DELETE"] = "on"
    data |= _management("related_links", len(related), sum(1 for r in related if r.get("id")))
    for index, item in enumerate(related):
        prefix = f"related_links-{index}-"
        data |= {
            f"{prefix}id": item.get("id", ""),
            f"{prefix}related": item["related"],
            f"{prefix}position": item.get("position", 0),
        }
    data |= _management("slug_redirects", old_addresses, old_addresses)
    return data


def _management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
