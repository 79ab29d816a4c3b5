"""Photo uploads in the admin: checked with Pillow, stored without EXIF, with renditions.

Every test image is made in memory with Pillow (or, for the decompression bombs, written
byte by byte), and MEDIA_ROOT is a temporary directory (tests/conftest.py).
"""

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from partnerships.models import Partnership
from portal import images
from portal.forms import ALT_TEXT_REQUIRED, CREDIT_REQUIRED
from portal.models import Municipality, Photo

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = "Filen är inte en JPEG-, PNG- eller WebP-bild."
CORRUPT = "Bilden är skadad eller ofullständig."
TOO_MANY_PIXELS = "Bilden har för många pixlar"
ANIMATED = "Animerade bilder går inte att ladda upp."


# --- Test images ---------------------------------------------------------------------


def picture(size=(1200, 800), mode="RGB") -> Image.Image:
    """A gradient with some detail, so encoders have something to do."""
    width, height = size
    image = Image.linear_gradient("L").resize(size)
    if mode == "L":
        return image
    red = image
    green = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    blue = Image.new("L", size, 90)
    channels = [red, green, blue]
    if mode == "RGBA":
        channels.append(Image.linear_gradient("L").resize(size).rotate(90))
    return Image.merge(mode, channels)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    output = io.BytesIO()
    image.save(output, format=fmt, **options)
    return output.getvalue()


def jpeg_with_gps(size=(1200, 800), orientation=1) -> bytes:
    """A camera-like JPEG: GPS position, camera model, orientation, XMP and a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamerafabriken"
    exif[ExifTags.Base.Model] = "Modell 7"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (58.0, 17.0, 1.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (12.0, 17.0, 2.0),
    }
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description GPSLatitude="58,17N"/></x:xmpmeta>'
    data = encode(picture(size), "JPEG", exif=exif, comment=b"Hemma hos fotografen", xmp=xmp)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return data


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width × height black pixels: a few kB on disk, huge decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed pixels
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def animated_png() -> bytes:
    frames = [Image.new("RGB", (64, 64), colour) for colour in ("red", "blue")]
    return encode(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100)


# --- Helpers -------------------------------------------------------------------------


def add_url():
    return reverse("admin:portal_photo_add")


def change_url(photo):
    return reverse("admin:portal_photo_change", args=[photo.pk])


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def photo_data(image=None, municipality="trollhattan", **overrides) -> dict:
    data = {
        "slug": "vanortsbesok",
        "alt_text": "Två kommunalråd skakar hand framför stadshuset.",
        "caption": "Vänortsbesöket 2025.",
        "credit": "Andrew Ruiz, Unsplash",
        "municipality": Municipality.objects.get(slug=municipality).pk,
    }
    if image is not None:
        data["image"] = image
    data.update(overrides)
    return data


def media_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def stored(photo) -> Image.Image:
    with photo.image.open("rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def form_errors(response) -> dict:
    assert response.status_code == 200, "the form was expected to be refused"
    return response.context["adminform"].form.errors


# --- Valid uploads -------------------------------------------------------------------


def test_admin_uploads_a_jpeg_stored_upright_without_exif_and_with_renditions(
    admin_client, settings
):
    data = jpeg_with_gps(size=(2000, 1200), orientation=6)  # taken with the camera on its side
    response = admin_client.post(add_url(), photo_data(upload(data, "IMG_2041.JPG")))
    assert response.status_code == 302

    photo = Photo.objects.get(slug="vanortsbesok")
    assert re.fullmatch(r"bilder/\d{4}/img_2041\.jpg", photo.image.name)
    # Turned upright by its orientation: 2000 × 1200 on its side is 1200 × 2000.
    assert (photo.width, photo.height) == (1200, 2000)

    original = stored(photo)
    assert original.format == "JPEG"
    assert original.size == (1200, 2000)
    assert not original.getexif()
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(original.info)
    with photo.image.open("rb") as file:
        raw = file.read()
    assert b"Exif" not in raw
    assert b"Kamerafabriken" not in raw
    assert b"Hemma hos fotografen" not in raw
    assert b"GPSLatitude" not in raw

    stem = photo.image.name.removesuffix(".jpg")
    assert media_files(settings) == sorted(
        [photo.image.name, f"{stem}-480w.webp", f"{stem}-960w.webp"]
    )
    for rendition in images.renditions(photo):
        path = Path(settings.MEDIA_ROOT) / rendition.url.removeprefix("/media/")
        with Image.open(path) as copy:
            assert copy.format == "WEBP"
            assert copy.size == (rendition.width, rendition.height)
            assert not copy.getexif()
    assert [(r.width, r.height) for r in images.renditions(photo)] == [(480, 800), (960, 1600)]


def test_coordinator_uploads_a_transparent_png_for_their_own_municipality(
    trollhattan_client, settings
):
    data = encode(picture((800, 400), mode="RGBA"), "PNG")
    response = trollhattan_client.post(add_url(), photo_data(upload(data, "Logotyp Åby.png")))
    assert response.status_code == 302

    photo = Photo.objects.get(slug="vanortsbesok")
    assert photo.municipality.slug == "trollhattan"
    assert re.fullmatch(r"bilder/\d{4}/logotyp-aby\.png", photo.image.name)
    original = stored(photo)
    assert (original.format, original.mode, original.size) == ("PNG", "RGBA", (800, 400))

    [rendition] = images.renditions(photo)
    assert (rendition.width, rendition.height) == (480, 240)
    path = Path(settings.MEDIA_ROOT) / photo.image.name.replace(".png", "-480w.webp")
    with Image.open(path) as copy:
        assert (copy.format, copy.mode, copy.size) == ("WEBP", "RGBA", (480, 240))


def test_a_small_webp_is_kept_without_renditions(admin_client, settings):
    data = encode(picture((400, 300)), "WEBP", exif=Image.Exif())
    response = admin_client.post(add_url(), photo_data(upload(data, "liten.webp")))
    assert response.status_code == 302
    photo = Photo.objects.get(slug="vanortsbesok")
    assert stored(photo).format == "WEBP"
    assert images.renditions(photo) == []
    assert media_files(settings) == [photo.image.name]


def test_a_credit_typed_with_foto_keeps_one_prefix(admin_client):
    data = encode(picture((600, 400)), "JPEG")
    response = admin_client.post(
        add_url(), photo_data(upload(data, "bild.jpg"), credit="Foto: Andrew Ruiz, Unsplash")
    )
    assert response.status_code == 302
    photo = Photo.objects.get(slug="vanortsbesok")
    assert photo.credit_display == "Foto: Andrew Ruiz, Unsplash"


def test_a_seed_photo_without_file_or_credit_can_still_be_edited(admin_client):
    photo = Photo.objects.get(slug="sumba-logotyp")
    assert not photo.image and not photo.credit
    data = {
        "slug": photo.slug,
        "alt_text": "Logotyp för SUMBA.",
        "caption": "",
        "credit": "",
        "municipality": photo.municipality_id,
    }
    response = admin_client.post(change_url(photo), data)
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.alt_text == "Logotyp för SUMBA."


# --- The public page -----------------------------------------------------------------


def test_the_public_page_shows_size_srcset_and_credit(trollhattan_client, settings):
    photo = Photo.objects.get(slug="tempe-arizona")
    data = photo_data(
        upload(encode(picture((3000, 2000)), "JPEG"), "tempe.jpg"),
        slug=photo.slug,
        alt_text=photo.alt_text,
        caption=photo.caption,
        credit=photo.credit,
    )
    response = trollhattan_client.post(change_url(photo), data)
    assert response.status_code == 302
    photo.refresh_from_db()

    partnership = Partnership.objects.get(slug="trollhattan-tempe")
    assert partnership.photo == photo
    page = trollhattan_client.get(reverse("partnerships:detail", args=[partnership.slug]))
    html = page.content.decode()
    [img] = re.findall(r"<img [^>]*>", html[html.index("<figure>") :])[:1]

    stem = "/media/" + photo.image.name.removesuffix(".jpg")
    assert f'src="{stem}-960w.webp"' in img
    assert f'srcset="{stem}-480w.webp 480w, {stem}-960w.webp 960w, {stem}-1600w.webp 1600w"' in img
    assert 'sizes="(min-width: 68rem) 66rem, calc(100vw - 2rem)"' in img
    assert 'width="3000" height="2000"' in img
    assert 'alt="Staden Tempe i Arizona."' in img
    assert 'loading="lazy"' in img
    assert "<figcaption>Tempe, Arizona. Foto: Andrew Ruiz, Unsplash</figcaption>" in html
    for url in re.findall(r"(/media/\S+\.webp)", img):
        assert (Path(settings.MEDIA_ROOT) / url.removeprefix("/media/")).is_file()


def test_a_photo_narrower_than_the_column_is_its_own_src(admin_client):
    response = admin_client.post(
        add_url(), photo_data(upload(encode(picture((700, 350)), "PNG"), "smal.png"))
    )
    assert response.status_code == 302
    photo = Photo.objects.get(slug="vanortsbesok")
    img = images.sources(photo)
    assert img.src == photo.image.url
    assert (
        img.srcset
        == f"{photo.image.url.removesuffix('.png')}-480w.webp 480w, {photo.image.url} 700w"
    )
    assert (img.width, img.height) == (700, 350)


def test_renditions_are_computed_without_opening_any_file():
    photo = Photo(slug="utan-fil", alt_text="Ingen fil", width=2000, height=1001)
    photo.image.name = "bilder/2026/finns-inte.jpg"  # never written: opening it would fail
    assert [(r.url, r.width, r.height) for r in images.renditions(photo)] == [
        ("/media/bilder/2026/finns-inte-480w.webp", 480, 240),
        ("/media/bilder/2026/finns-inte-960w.webp", 960, 480),
        ("/media/bilder/2026/finns-inte-1600w.webp", 1600, 801),
    ]


def test_replacing_the_image_replaces_its_renditions(admin_client, settings):
    first = encode(picture((1200, 800)), "JPEG")
    admin_client.post(add_url(), photo_data(upload(first, "forsta.jpg")))
    photo = Photo.objects.get(slug="vanortsbesok")
    first_name = photo.image.name
    assert len(media_files(settings)) == 3  # the original and two renditions

    second = encode(picture((600, 400)), "JPEG")
    response = admin_client.post(change_url(photo), photo_data(upload(second, "andra.jpg")))
    assert response.status_code == 302
    photo.refresh_from_db()
    stem = photo.image.name.removesuffix(".jpg")
    # The first original stays for the photo's history; its renditions are gone.
    assert media_files(settings) == sorted([first_name, photo.image.name, f"{stem}-480w.webp"])


def test_saving_without_a_new_image_restores_missing_renditions(admin_client, settings):
    admin_client.post(add_url(), photo_data(upload(encode(picture(), "JPEG"), "bild.jpg")))
    photo = Photo.objects.get(slug="vanortsbesok")
    missing = Path(settings.MEDIA_ROOT) / images.rendition_name(photo.image.name, 960)
    missing.unlink()

    response = admin_client.post(change_url(photo), photo_data(alt_text="Ny alternativtext."))
    assert response.status_code == 302
    assert missing.is_file()


def test_deleting_a_photo_deletes_its_renditions_and_keeps_the_original(admin_client, settings):
    admin_client.post(add_url(), photo_data(upload(encode(picture(), "JPEG"), "bild.jpg")))
    photo = Photo.objects.get(slug="vanortsbesok")
    original = photo.image.name
    response = admin_client.post(
        reverse("admin:portal_photo_delete", args=[photo.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert media_files(settings) == [original]  # kept for the photo's history


# --- Refused files -------------------------------------------------------------------


def truncated_jpeg() -> bytes:
    data = encode(picture(), "JPEG")
    return data[: len(data) // 2]


def corrupt_png() -> bytes:
    data = bytearray(encode(picture(), "PNG"))
    middle = len(data) // 2
    data[middle : middle + 16] = bytes(16)  # pixel data no longer matches its checksum
    return bytes(data)


BAD_FILES = {
    "text renamed .jpg": (lambda: "Hej, jag är ingen bild.\n".encode() * 20, "bild.jpg"),
    "html renamed .png": (lambda: b"<html><script>alert(1)</script></html>", "bild.png"),
    "gif": (lambda: encode(picture((200, 100)), "GIF"), "bild.gif"),
    "gif renamed .jpg": (lambda: encode(picture((200, 100)), "GIF"), "bild.jpg"),
    "bmp renamed .png": (lambda: encode(picture((200, 100)), "BMP"), "bild.png"),
    "jpeg without extension": (lambda: encode(picture((200, 100)), "JPEG"), "bild"),
    "truncated jpeg": (truncated_jpeg, "bild.jpg"),
    "corrupt png": (corrupt_png, "bild.png"),
}
BAD_FILE_MESSAGES = {
    "text renamed .jpg": NOT_AN_IMAGE,
    "html renamed .png": NOT_AN_IMAGE,
    "gif": NOT_AN_IMAGE,
    "gif renamed .jpg": NOT_AN_IMAGE,
    "bmp renamed .png": NOT_AN_IMAGE,
    "jpeg without extension": NOT_AN_IMAGE,
    "truncated jpeg": CORRUPT,
    "corrupt png": CORRUPT,
}


def assert_refused(response, settings, field: str, message: str) -> None:
    errors = form_errors(response)
    assert field in errors, errors
    assert any(error.startswith(message) for error in errors[field]), errors[field]
    assert not Photo.objects.filter(slug="vanortsbesok").exists()
    assert media_files(settings) == []


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_refused_with_a_swedish_message(admin_client, settings, kind):
    make, name = BAD_FILES[kind]
    response = admin_client.post(add_url(), photo_data(upload(make(), name)))
    assert_refused(response, settings, "image", BAD_FILE_MESSAGES[kind])


def test_a_png_named_jpg_is_refused_as_a_mismatch(trollhattan_client, settings):
    data = encode(picture((300, 200)), "PNG")
    response = trollhattan_client.post(add_url(), photo_data(upload(data, "bild.jpg")))
    assert_refused(
        response,
        settings,
        "image",
        "Filen heter .jpg men är en PNG-bild. Byt filändelse till .png och försök igen.",
    )


def test_an_animated_png_is_refused(admin_client, settings):
    response = admin_client.post(add_url(), photo_data(upload(animated_png(), "rorlig.png")))
    assert_refused(response, settings, "image", ANIMATED)


def test_a_decompression_bomb_is_refused(admin_client, settings):
    data = png_bomb(20_000, 20_000)  # 400 megapixels
    assert len(data) < 100_000
    response = admin_client.post(add_url(), photo_data(upload(data, "bomb.png")))
    assert_refused(response, settings, "image", TOO_MANY_PIXELS)
    [error] = form_errors(response)["image"]
    assert error == (
        "Bilden har för många pixlar (400 megapixlar). Högst 40 megapixlar går att ladda upp "
        "– förminska bilden och försök igen."
    )


def test_an_image_over_our_pixel_limit_but_under_pillows_is_refused(admin_client, settings):
    data = png_bomb(8_000, 6_000)  # 48 megapixels: Pillow would only warn at 89
    response = admin_client.post(add_url(), photo_data(upload(data, "stor.png")))
    assert_refused(response, settings, "image", "Bilden har för många pixlar (48 megapixlar).")


def test_an_oversize_file_is_refused(admin_client, settings, monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 50 * 1024)
    noise = Image.frombytes("RGB", (200, 200), bytes(range(256)) * 468 + bytes(range(192)))
    data = encode(noise.resize((400, 400)), "PNG", compress_level=0)
    assert len(data) > 50 * 1024
    response = admin_client.post(add_url(), photo_data(upload(data, "stor.png")))
    assert_refused(
        response,
        settings,
        "image",
        "Bilden är för stor (högst 50 kB). Förminska den och försök igen.",
    )


def test_the_default_size_limit_reads_10_mb():
    assert images._format_size(images.MAX_UPLOAD_BYTES) == "10 MB"


def test_missing_alt_text_is_refused(trollhattan_client, settings):
    data = encode(picture((300, 200)), "JPEG")
    response = trollhattan_client.post(
        add_url(), photo_data(upload(data, "bild.jpg"), alt_text="  ")
    )
    assert_refused(response, settings, "alt_text", ALT_TEXT_REQUIRED)


def test_missing_credit_is_refused_when_an_image_is_uploaded(trollhattan_client, settings):
    data = encode(picture((300, 200)), "JPEG")
    response = trollhattan_client.post(add_url(), photo_data(upload(data, "bild.jpg"), credit=""))
    assert_refused(response, settings, "credit", CREDIT_REQUIRED)
    assert CREDIT_REQUIRED == "Ange fotograf eller källa, till exempel Andrew Ruiz, Unsplash."


def test_missing_credit_is_refused_beside_a_bad_file(admin_client, settings):
    response = admin_client.post(
        add_url(), photo_data(upload(b"ingen bild", "bild.jpg"), credit="")
    )
    assert_refused(response, settings, "image", NOT_AN_IMAGE)
    assert_refused(response, settings, "credit", CREDIT_REQUIRED)
