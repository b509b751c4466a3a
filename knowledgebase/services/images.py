"""Uploading article images: the bytes must really be a PNG, JPEG, GIF or WebP picture of a
bounded size and pixel count (whatever name or content type the browser sent), and are
stored under the tenant's own folder with a random name."""

import secrets
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image

from knowledgebase.models import ArticleImage
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope

# Pillow's name of each allowed format: (file extension, content type served).
FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
MAX_BYTES = 5 * 1024 * 1024
# A small file can claim a huge canvas (a decompression bomb): pictures are bounded by their
# pixel count and by each side.
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000


@dataclass(frozen=True)
class ImageFacts:
    extension: str
    content_type: str
    width: int
    height: int
    size: int


def max_bytes() -> int:
    return getattr(settings, "KB_IMAGE_MAX_BYTES", MAX_BYTES)


def image_inspect(file) -> ImageFacts:
    """What `file` holds, or a ValidationError (under "file") saying why it is refused."""
    size = file.size
    if size is None or size > max_bytes():
        raise ValidationError(
            {"file": _("The image is larger than %(mb)s MB.") % {"mb": _megabytes(max_bytes())}}
        )
    not_an_image = ValidationError({"file": _("The file is not a PNG, JPEG, GIF or WebP image.")})
    too_large = ValidationError(
        {"file": _("The image is larger than %(n)s pixels on a side or %(mp)s megapixels.")
         % {"n": MAX_SIDE, "mp": MAX_PIXELS // 1_000_000}}
    )  # fmt: skip
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns before it refuses; a warning is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=list(FORMATS)) as picture:
                kind = picture.format
                width, height = picture.size
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise too_large
                picture.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors on bad bytes
        raise not_an_image from None
    finally:
        file.seek(0)
    if kind not in FORMATS or not width or not height:
        raise not_an_image
    extension, content_type = FORMATS[kind]
    return ImageFacts(extension, content_type, width, height, size)


def image_name(original: str, extension: str) -> str:
    """The name readers see in the image's address: the uploaded name's letters, with the
    extension of what the bytes really are."""
    stem = slugify(PurePath(original or "").stem, allow_unicode=True)[:80].strip("-")
    return f"{stem or 'image'}.{extension}"


@transaction.atomic
def image_upload(*, tenant: Tenant, file, uploaded_by: Membership | None = None) -> ArticleImage:
    """Store `file` (an uploaded file) as an image of `tenant`'s help center."""
    facts = image_inspect(file)
    image = ArticleImage(
        tenant=tenant,
        name=image_name(getattr(file, "name", ""), facts.extension),
        content_type=facts.content_type,
        size=facts.size,
        width=facts.width,
        height=facts.height,
        uploaded_by=uploaded_by if uploaded_by and uploaded_by.tenant_id == tenant.pk else None,
    )
    with tenant_scope(tenant):
        # A random file name: nothing a user typed reaches the storage path.
        image.file.save(f"{secrets.token_urlsafe(18)}.{facts.extension}", file, save=False)
        image.save()
    return image


def image_markdown(image: ArticleImage, tenant: Tenant) -> str:
    """The Markdown that shows `image` in an article."""
    alt = PurePath(image.name).stem.replace("-", " ")
    url = reverse("help-image", args=[tenant.slug, image.pk, PurePath(image.file.name).name])
    return f"![{alt}]({url})"


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:g}" if value >= 1 else f"{value:.2f}"


@transaction.atomic
def image_delete(*, tenant: Tenant, image: ArticleImage) -> None:
    """Remove `image` of `tenant`; its file goes once the removal is committed (a rolled-back
    removal leaves the file that the row still names)."""
    with tenant_scope(tenant):
        ArticleImage.objects.filter(pk=image.pk).delete()
    storage, name = image.file.storage, image.file.name
    transaction.on_commit(lambda: storage.delete(name))
