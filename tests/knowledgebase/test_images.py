"""Article images: the upload service takes only real PNG, JPEG, GIF or WebP bytes of a
bounded size and pixel count, stores them under kb/<tenant id>/ with a random name; the admin
page answers the Markdown to paste; the public address serves an image only under its own
tenant's address, with its stored type, nosniff and long caching."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from knowledgebase.models import ArticleImage
from knowledgebase.services.images import image_upload
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def picture(kind="PNG", size=(40, 30), name="Screen shot.png", content_type="image/png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def test_a_real_png_is_stored_under_the_tenants_folder(tenant, settings):
    image = image_upload(tenant=tenant, file=picture(), uploaded_by=None)
    assert image.file.name.startswith(f"kb/{tenant.pk}/") and image.file.name.endswith(".png")
    assert "Screen" not in image.file.name  # a random name, nothing the user typed
    assert Path(settings.MEDIA_ROOT, image.file.name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (image.name, image.content_type) == ("screen-shot.png", "image/png")
    assert (image.width, image.height) == (40, 30)
    # What the bytes are decides, not the name or declared type.
    jpeg = image_upload(tenant=tenant, file=picture("JPEG", name="photo.png"))
    assert (jpeg.name, jpeg.content_type) == ("photo.jpg", "image/jpeg")
    webp = image_upload(tenant=tenant, file=picture("WEBP", name="x.webp"))
    assert webp.content_type == "image/webp"


def test_refused_uploads_say_why(tenant, settings):
    text = SimpleUploadedFile("notes.png", b"just some text, honestly" * 10, "image/png")
    with pytest.raises(ValidationError) as error:
        image_upload(tenant=tenant, file=text)
    assert "not a PNG, JPEG, GIF or WebP image" in str(error.value.message_dict["file"])
    half_png = picture()
    half_png = SimpleUploadedFile("cut.png", half_png.read()[:60], "image/png")
    with pytest.raises(ValidationError):
        image_upload(tenant=tenant, file=half_png)
    settings.KB_IMAGE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        image_upload(tenant=tenant, file=picture(size=(200, 200)))
    assert "larger than" in str(error.value.message_dict["file"])
    settings.KB_IMAGE_MAX_BYTES = 5 * 1024 * 1024
    # A small file claiming a huge canvas (a decompression bomb).
    with pytest.raises(ValidationError) as error:
        image_upload(tenant=tenant, file=picture("GIF", size=(13_000, 10), name="wide.gif"))
    assert "pixels" in str(error.value.message_dict["file"])
    with tenant_scope(tenant):
        assert ArticleImage.objects.count() == 0


@pytest.mark.outsider("admin")
def test_the_admin_uploads_and_answers_the_markdown(
    tenant,
    other_tenant,
    owner_client,
    settings,
    django_capture_on_commit_callbacks,
):
    url = "/admin/knowledgebase/articleimage/"
    refused = owner_client.post(f"{url}add/", {"upload": SimpleUploadedFile(
        "fake.png", b"GIF89a? no, text", "image/png")})  # fmt: skip
    assert refused.status_code == 200
    assert "not a PNG, JPEG, GIF or WebP image" in refused.content.decode()
    done = owner_client.post(f"{url}add/", {"upload": picture(name="Team view.png")},
                             follow=True)  # fmt: skip
    assert done.status_code == 200
    with tenant_scope(tenant):
        image = ArticleImage.objects.get()
    stored_name = Path(image.file.name).name
    markdown = f"![team view](/help/acme/media/{image.pk}/{stored_name})"
    assert markdown in done.content.decode()
    theirs = image_upload(tenant=other_tenant, file=picture(name="secret.png"))
    listing = owner_client.get(url).content.decode()
    assert "team-view.png" in listing and "secret.png" not in listing
    assert owner_client.get(f"{url}{theirs.pk}/change/").status_code == 302
    stored = Path(settings.MEDIA_ROOT, image.file.name)
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        gone = owner_client.post(f"{url}{image.pk}/delete/", {"post": "yes"})
    assert gone.status_code == 302
    with tenant_scope(tenant):
        assert not ArticleImage.objects.exists()
    assert not stored.exists()


def test_the_public_address_serves_only_the_tenants_own_image(tenant, other_tenant):
    ours = image_upload(tenant=tenant, file=picture(name="a.png"))
    theirs = image_upload(tenant=other_tenant, file=picture("GIF", name="b.gif"))
    ours_name, theirs_name = Path(ours.file.name).name, Path(theirs.file.name).name
    client = Client()
    answer = client.get(f"/help/acme/media/{ours.pk}/{ours_name}")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content)[:4] == b"\x89PNG"
    assert answer["Content-Type"] == "image/png"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in answer["Cache-Control"]
    assert "sandbox" in answer["Content-Security-Policy"]
    # Another tenant's image through this tenant's address does not exist.
    assert client.get(f"/help/acme/media/{theirs.pk}/{theirs_name}").status_code == 404
    assert client.get(f"/help/globex/media/{theirs.pk}/{theirs_name}").status_code == 200
    # Only by its random stored name: not by the uploaded name, not by a guessed one.
    assert client.get(f"/help/acme/media/{ours.pk}/a.png").status_code == 404
    assert client.get(f"/help/acme/media/{ours.pk}/other-name.png").status_code == 404
    assert client.get(f"/help/nobody/media/{ours.pk}/{ours_name}").status_code == 404
