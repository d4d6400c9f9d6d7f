"""What every chapter must show, kept in one place: read by the notebook tests and the built-site tests.

``min_figures``: the fewest figures a reader must see on the chapter's page, counted in the executed notebook the
way the site renders it (``tests/site/test_site.py::count_figures``): one per ``image/png`` (or JPEG/SVG) output,
and for an output with HTML (the site prefers it), one per ``<img>`` and ``<svg data-picture>`` in it (explorers,
upload examples). Set it to the count your executed chapter shows now: a plotting cell that silently draws nothing (for
instance a kernel left on a non-GUI Matplotlib backend) then makes the count fall below it and fails
``pytest``, both in the executed notebook and on the built page. A chapter in ``_toc.yml`` needs a row here.
``budget_s``: the chapter's quick-mode time budget under ``pytest --nbmake`` on 2 CPU cores (its issue's figure);
the notebook's ``metadata.execution.timeout`` is a per-cell limit, this is the whole notebook.
``floors``: CI's gates on the chapter's results, ``{glued name: lowest acceptable value}``. The chapter glues the
value (``nnbook.glue``) for its prose; ``tests/site/test_chapter_results.py`` reads it from the executed notebook
and fails below the floor. A chapter never asserts a CI floor itself: its own asserts state its *lessons*.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Chapter:
    min_figures: int
    budget_s: int
    floors: dict[str, float] = field(default_factory=dict)


CHAPTERS: dict[str, Chapter] = {
    "chapters/01_foundations/foundations.ipynb": Chapter(
        min_figures=8, budget_s=90
    ),
    "chapters/02_perceptron/perceptron.ipynb": Chapter(
        min_figures=7, budget_s=90
    ),
    "chapters/03_binary_classification/binary_classification.ipynb": Chapter(
        min_figures=10, budget_s=90
    ),
    "chapters/04_image_classifiers/image_classifiers.ipynb": Chapter(
        min_figures=16,
        budget_s=90,
        floors={"fashion_test_accuracy": 0.85, "mnist_test_accuracy": 0.96},
    ),
    "chapters/05_convolutions/convolutions.ipynb": Chapter(
        min_figures=10, budget_s=90, floors={"cnn_test_accuracy": 0.50}
    ),
    "chapters/06_cats_vs_dogs/cats_vs_dogs.ipynb": Chapter(
        min_figures=9,
        budget_s=150,
        floors={"model_accuracy_cats_vs_dogs": 0.78},
    ),
    "chapters/07_age/age.ipynb": Chapter(
        min_figures=13,
        budget_s=150,
        floors={"model_accuracy_age_10": 0.35, "model_accuracy_age_5": 0.215},
    ),
    "chapters/08_cifar/cifar.ipynb": Chapter(
        min_figures=13,
        budget_s=150,
        floors={"model_accuracy_cifar10": 0.53, "c100_top5": 0.15},
    ),
    "chapters/09_results/results.ipynb": Chapter(
        min_figures=6, budget_s=150, floors={"grid_conv_accuracy": 0.60}
    ),
    "chapters/10_model_web/model_web.ipynb": Chapter(
        min_figures=2, budget_s=90
    ),
}
