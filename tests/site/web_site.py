"""A small site for the model web in the browser, for tests/site/test_web_models.py and bench/web_speed.py.

It holds the same files a book build writes (``_ext/nnbook_web.py`` writes them with the same functions): the
page's script and the vendored TensorFlow.js under ``_static/nnbook-web/``, the exported models, a page with the
tool, a page with a "Try your own photo" block, and real photos from the shared datasets under ``photos/``. The
models are tiny stand-ins trained here in seconds (the layer types and input sizes of chapters 4 and 6–8), plus
the chapters' own saved models when a chapter has run (``chapters/*/models``).
"""

from __future__ import annotations

import gzip
import http.server
import os
import shutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "_ext"))
import nnbook_web

DATA = Path(
    os.environ.get("NNBOOK_DATA_DIR", ROOT.parent / "shared" / "datasets")
)
PHOTOS = 24
"""Real photos per model for the parity test (the issue asks for at least 20)."""

KIND = {
    "cats_vs_dogs": "pets",
    "age": "faces",
    "cifar10": "cifar10",
    "cifar100": "cifar100",
    "mnist": "mnist",
    "tiny_pets": "pets",
    "tiny_faces": "faces",
    "tiny_cifar": "cifar10",
    "tiny_mnist": "mnist",
}
"""Which photos each model is tried on (age_10 and age_5 go by their prefix)."""

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>model web</title></head><body>
<div class="nnbook-web-app"></div>
<script src="_static/nnbook-web/nnbook_web.js"></script></body></html>
"""


def kind_of(name: str) -> str:
    return KIND.get(name) or KIND[name.split("_")[0]]


def photos(kind: str, folder: Path, n: int = PHOTOS) -> list[Path]:
    """Write (or pick) ``n`` real photos of ``kind`` into ``folder`` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "pets":
        files = [
            DATA / "cats_vs_dogs" / c / f"{c}.{i}.jpg"
            for i in range(4001, 4001 + n // 2)
            for c in ("cat", "dog")
        ]
    elif kind == "faces":
        files = sorted((DATA / "utkface").glob("*.jpg"))[::97][:n]
    elif kind in ("cifar10", "cifar100"):
        data = np.load(DATA / kind / f"{kind}_subset.npz")
        files = []
        for i in range(n):
            path = folder / f"{kind}_test_{i}.png"
            Image.fromarray(data["x_test"][i]).save(path)
            files.append(path)
        return files
    elif kind == "mnist":
        with gzip.open(DATA / "mnist" / "t10k-images-idx3-ubyte.gz") as f:
            digits = np.frombuffer(f.read(), np.uint8, offset=16).reshape(
                -1, 28, 28
            )
        files = []
        for i in range(n):
            path = folder / f"mnist_test_{i}.png"
            Image.fromarray(digits[i]).save(path)
            files.append(path)
        return files
    else:
        raise ValueError(kind)
    out = []
    for file in files:
        shutil.copy2(file, folder / file.name)
        out.append(folder / file.name)
    return out


def tiny_models(folder: Path) -> None:
    """Train the stand-in models (a few seconds on a CPU) and save them with nnbook.models.save."""
    import keras

    from nnbook import images, models

    keras.utils.set_random_seed(0)
    layers = keras.layers

    def fit(model, x, y, loss):
        model.compile(optimizer=keras.optimizers.Adam(3e-3), loss=loss)
        model.fit(x, y, epochs=3, batch_size=32, verbose=0)

    # chapter 6's kind: 48 x 48 grayscale, Conv + MaxPool + Dense, one sigmoid, augmentation inside
    files = [
        DATA / "cats_vs_dogs" / c / f"{c}.{i}.jpg"
        for i in range(1, 151)
        for c in ("cat", "dog")
    ]
    x = np.concatenate(
        [images.to_model_input(f, 48, "grayscale") for f in files]
    )
    y = np.array([0, 1] * 150, dtype="float32")
    pets = keras.Sequential(
        [
            keras.Input((48, 48, 1)),
            layers.RandomFlip("horizontal"),
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(16, activation="tanh"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    fit(pets, x, y, "binary_crossentropy")
    models.save(
        pets,
        "tiny_pets",
        ["cat", "dog"],
        folder / "06_cats_vs_dogs" / "models",
    )

    # chapter 7's kind: 64 x 64 RGB faces, 10 age bands, BatchNormalization and Dropout
    files = sorted((DATA / "utkface").glob("*.jpg"))[1::10][:300]
    x = np.concatenate([images.to_model_input(f, 64, "rgb") for f in files])
    y = np.array([min(int(f.name.split("_")[0]) // 10, 9) for f in files])
    faces = keras.Sequential(
        [
            keras.Input((64, 64, 3)),
            layers.Conv2D(8, 3, activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.3),
            layers.Dense(10, activation="softmax"),
        ]
    )
    fit(faces, x, y, "sparse_categorical_crossentropy")
    models.save(
        faces,
        "tiny_faces",
        [f"{10 * b}-{10 * b + 9}" for b in range(10)],
        folder / "07_age" / "models",
    )

    # chapter 8's kind: 32 x 32 RGB, a nested augmentation block, BN, Dropout, 'same' padding
    data = np.load(DATA / "cifar10" / "cifar10_subset.npz")
    x, y = (
        data["x_train"][:1500].astype("float32") / 255,
        data["y_train"][:1500],
    )
    augment = keras.Sequential(
        [
            layers.RandomTranslation(0.1, 0.1),
            layers.RandomRotation(0.05),
            layers.RandomFlip("horizontal"),
        ],
        name="augmentation",
    )
    cifar = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            augment,
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(),
            layers.Dropout(0.2),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(32, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    fit(cifar, x, y, "sparse_categorical_crossentropy")
    models.save(
        cifar,
        "tiny_cifar",
        [str(c) for c in data["class_names"]],
        folder / "08_cifar" / "models",
    )

    # chapter 4's kind: 28 x 28 grayscale digits, dense layers only
    mnist = np.load(DATA / "mnist" / "mnist_subset.npz")
    x, y = (
        mnist["x_train"][:3000, :, :, None].astype("float32") / 255,
        mnist["y_train"][:3000],
    )
    digits = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Flatten(),
            layers.Dense(32, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    fit(digits, x, y, "sparse_categorical_crossentropy")
    models.save(
        digits,
        "tiny_mnist",
        [str(d) for d in range(10)],
        folder / "04_image_classifiers" / "models",
    )


@dataclass
class WebSite:
    folder: Path
    url: str
    index: list[dict]
    server: http.server.ThreadingHTTPServer

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def build(
    folder: Path, with_tiny: bool = True, with_chapters: bool = True
) -> WebSite:
    """Write the site into ``folder`` (tiny models and/or the chapters' saved models) and serve it on loopback."""
    root = folder / "book"
    if with_tiny:
        tiny_models(root / "chapters")
    if with_chapters:
        for saved in sorted(ROOT.glob("chapters/*/models")):
            shutil.copytree(
                saved,
                root / "chapters" / saved.parent.name / "models",
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns(".*"),
            )
            for notebook in saved.parent.glob("*.ipynb"):
                shutil.copy2(
                    notebook,
                    root / "chapters" / saved.parent.name / notebook.name,
                )
    site = folder / "html"
    static = site / "_static"
    nnbook_web.copy_runtime(static)
    index = nnbook_web.export_all(
        root, static, ROOT / "_build" / "jupyter_execute"
    )
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    for kind in sorted({kind_of(m["name"]) for m in index}):
        photos(kind, site / "photos" / kind)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: QuietHandler(*a, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return WebSite(
        site, f"http://127.0.0.1:{server.server_address[1]}", index, server
    )


def upload_page(site: Path, block_html: str) -> str:
    """Write a page holding one "Try your own photo" block (as a chapter page shows it); return its file name."""
    (site / "upload.html").write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>upload</title></head><body>{block_html}"
        "<script src='_static/nnbook-web/nnbook_web_loader.js'></script>"
        "</body></html>",
        encoding="utf-8",
    )
    return "upload.html"
