#!/usr/bin/env python3
"""Draws the demo site's two photographs (our own making: painted with Pillow from shapes and
noise, no one else's picture) and gives the first what a phone camera would: EXIF with a GPS
position, the camera, the time, an orientation flag, plus an XMP packet and a comment. Haven
must publish neither the position nor anything else of that. Run once; the files are committed:

    python3 bench/images/make-demo-photos.py

Needs Pillow (pip install pillow).
"""
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[2]


def painted(w, h, seed, sky, ground, shapes):
    rnd = random.Random(seed)
    img = Image.new("RGB", (w, h), sky)
    d = ImageDraw.Draw(img)
    for y in range(h // 2):  # a sky that lightens towards the horizon
        t = y / (h / 2)
        c = tuple(int(a + (b - a) * t) for a, b in zip(sky, (235, 240, 245)))
        d.line([(0, y), (w, y)], fill=c)
    d.rectangle([0, h // 2, w, h], fill=ground)
    for kind, box, colour in shapes:
        (d.ellipse if kind == "ellipse" else d.rectangle)(box, fill=colour)
    noise = Image.effect_noise((w, h), 18).convert("RGB")
    img = Image.blend(img, noise, 0.06).filter(ImageFilter.GaussianBlur(1.2))
    for _ in range(400):  # grain, as a phone's sensor leaves
        x, y = rnd.randrange(w), rnd.randrange(h)
        img.putpixel((x, y), tuple(min(255, v + 25) for v in img.getpixel((x, y))))
    return img


def main():
    static = ROOT / "static" / "images"
    static.mkdir(parents=True, exist_ok=True)
    # A nursery: a cot, a window and a lamp, for the safer sleep campaign.
    cot = painted(2400, 1600, 1, (120, 160, 205), (196, 170, 140), [
        ("rect", (300, 260, 900, 760), (250, 250, 245)),       # window
        ("rect", (1100, 700, 2000, 1250), (245, 236, 220)),    # cot
        ("rect", (1140, 740, 1960, 1000), (170, 200, 230)),    # blanket
        ("ellipse", (2080, 520, 2260, 700), (255, 230, 150)),  # lamp
    ])
    # Stored on its side with an orientation flag, as phones do: published upright.
    sideways = cot.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"             # Make
    exif[0x0110] = "DemoPhone 12"          # Model
    exif[0x0132] = "2026:10:03 14:21:07"   # DateTime
    exif[0x0112] = 6                       # Orientation: rotate 90° clockwise to show
    exif[0x010E] = "Taken outside the family hub"  # ImageDescription
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 24.0, 21.6)
    gps[3] = "W"
    gps[4] = (0.0, 1.0, 4.8)
    gps[5] = 0
    gps[6] = 62.0
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Demo photographer</dc:creator>'
           b'</rdf:Description></rdf:RDF></x:xmpmeta>')
    sideways.save(static / "safer-sleep-nursery.jpg", quality=90, exif=exif.tobytes(), xmp=xmp,
                  comment=b"Demo: location on purpose")
    # A park at dusk, for the county lines awareness week.
    park = painted(1800, 1200, 2, (70, 90, 150), (70, 120, 70), [
        ("rect", (200, 450, 260, 800), (60, 50, 40)),          # lamp post
        ("ellipse", (150, 400, 310, 480), (255, 220, 120)),    # lamp
        ("ellipse", (900, 350, 1500, 700), (50, 100, 50)),     # tree
        ("rect", (1180, 650, 1240, 900), (80, 60, 40)),        # trunk
        ("rect", (500, 820, 1000, 880), (120, 90, 60)),        # bench
    ])
    park.save(static / "county-lines-park.jpg", quality=88)
    print("wrote", *(p.relative_to(ROOT) for p in sorted(static.glob("*.jpg"))))


if __name__ == "__main__":
    main()
