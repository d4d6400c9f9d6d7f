"""The fast training path: many full-batch epochs of a small compiled Keras
model in one TensorFlow graph.

``model.fit`` pays a fixed cost per epoch (callbacks, logging, a Python round
trip); on an 11-point dataset that cost is the whole run (~25–50 ms an epoch on
a laptop CPU, so 10,000 epochs take minutes). :func:`fast_fit` runs the *same*
``model.train_step`` that ``fit`` runs, but loops over the epochs inside one
``tf.function``, so 10,000 epochs take about a second. It returns a
``keras.callbacks.History`` just like ``fit``.

Use it where a chapter must retrain many times (sliders, comparisons); teach
with ``compile``/``fit``. It is the same maths as
``fit(x, y, epochs=n, batch_size=len(x), shuffle=False)``.

:func:`restart` serves the same chapters for larger models trained with
``fit``: it puts a compiled model back to its starting weights with a fresh
optimizer, so a second run reuses the training graph the first one traced
instead of compiling a new model (3–4 s for a CIFAR network on a CPU).

:class:`TimeBudget` and :func:`fit_for` compare training recipes at **equal
wall time**: ``TimeBudget`` is a callback that measures a ``fit`` (and, given a
budget, stops it once the budget is spent); ``fit_for`` trains a model until a
budget is spent, optionally setting the learning rate before every step from
the fraction of the budget used, and reports the steps and epochs it managed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import keras
import numpy as np
import tensorflow as tf

from nnbook import config

Array = Any  # NumPy array, tensor or anything tf.convert_to_tensor accepts


def _as_tensor(value: Array, name: str) -> tf.Tensor:
    """Convert inputs to a tensor, floats as float32 (what Keras layers
    expect)."""
    array = np.asarray(value)
    if array.dtype.kind == "f":
        array = array.astype("float32")
    if array.ndim == 0:
        raise ValueError(
            f"{name} must be an array with one row per example, got a scalar"
        )
    return tf.convert_to_tensor(array)


def _check_inputs(
    model: keras.Model, x: tf.Tensor, y: tf.Tensor, epochs: int
) -> None:
    if getattr(model, "optimizer", None) is None or not getattr(
        model, "compiled", False
    ):
        raise ValueError(
            "fast_fit needs a compiled model: call "
            "model.compile(optimizer=..., loss=...) first"
        )
    if int(epochs) < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"x has {x.shape[0]} examples but y has {y.shape[0]}; they must "
            "match"
        )


def _compiled_metrics_built(model: keras.Model) -> bool:
    """True when the compiled metrics' variables exist; they must be created
    before, not inside, the graph loop.

    Keras 3 keeps them in the private ``_compile_metrics``; if that ever
    disappears, this answers True and the loop's first trace creates them,
    which tf.function allows.
    """
    compile_metrics = getattr(model, "_compile_metrics", None)
    return compile_metrics is None or bool(
        getattr(compile_metrics, "built", True)
    )


def fast_fit(
    model: keras.Model,
    x: Array,
    y: Array,
    epochs: int,
    *,
    validation_data: tuple[Array, Array] | None = None,
) -> keras.callbacks.History:
    """Train a compiled model for ``epochs`` full-batch epochs inside one
    graph.

    Equivalent to ``model.fit(x, y, epochs=epochs, batch_size=len(x),
    shuffle=False, verbose=0)``: each epoch is one ``model.train_step`` on all
    the data (loss and metrics are measured before that epoch's update, as in
    ``fit``); with ``validation_data`` the model is evaluated after each
    epoch's update and the values are stored under ``val_<name>``.

    Returns:
        A ``keras.callbacks.History`` whose ``.history`` maps each metric name
        (``"loss"``, ``"accuracy"``, ``"val_loss"``, …) to a list of ``epochs``
        floats, and whose ``.epoch`` is ``[0, 1, …, epochs - 1]``.
    """
    x_t, y_t = _as_tensor(x, "x"), _as_tensor(y, "y")
    _check_inputs(model, x_t, y_t, epochs)
    val = None
    if validation_data is not None:
        val = (
            _as_tensor(validation_data[0], "validation x"),
            _as_tensor(validation_data[1], "validation y"),
        )
    if not model.built or not _compiled_metrics_built(model):
        model.evaluate(x_t, y_t, batch_size=int(x_t.shape[0]), verbose=0)
    model.optimizer.build(model.trainable_variables)

    names: list[str] = []  # column names, filled in while the graph is traced

    def epoch_logs(
        inputs: tuple[tf.Tensor, tf.Tensor], step: Any, prefix: str
    ) -> dict[str, tf.Tensor]:
        for metric in model.metrics:
            # fit resets metrics at the start of every epoch
            metric.reset_state()
        logs = step(inputs)
        return {
            prefix + key: tf.cast(value, tf.float32)
            for key, value in logs.items()
        }

    @tf.function
    def run(n: tf.Tensor) -> tf.Tensor:
        rows = tf.TensorArray(tf.float32, size=n)
        for i in tf.range(n):
            logs = epoch_logs((x_t, y_t), model.train_step, "")
            if val is not None:
                logs.update(epoch_logs(val, model.test_step, "val_"))
            names[:] = sorted(logs)
            rows = rows.write(i, tf.stack([logs[name] for name in names]))
        return rows.stack()

    # a fresh graph per call is intended here
    config.quiet_retracing_warnings()
    table = run(tf.constant(int(epochs))).numpy()
    history = keras.callbacks.History()
    history.set_model(model)
    history.params = {"epochs": int(epochs), "steps": 1, "verbose": 0}
    history.epoch = list(range(int(epochs)))
    history.history = {
        name: table[:, column].tolist() for column, name in enumerate(names)
    }
    return history


def restart(
    model: keras.Model, weights: list[np.ndarray], learning_rate: float
) -> keras.Model:
    """Put a compiled model back to a fresh start without compiling it again.

    Sets every weight (trainable or not, e.g. batch-normalisation statistics)
    to ``weights``, which must come from ``model.get_weights()``; zeroes the
    optimizer's state (step count, moment estimates), so it behaves as a new
    optimizer; and sets its learning rate to ``learning_rate`` (callbacks such
    as ``ReduceLROnPlateau`` change it). The next ``fit`` reuses the graph
    already traced for this model, which ``compile`` would throw away.

    Returns:
        The same ``model``, ready for ``fit``.
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(model, "compiled", False):
        raise ValueError(
            "restart needs a compiled model: call "
            "model.compile(optimizer=..., loss=...) first"
        )
    if getattr(optimizer, "use_ema", False):
        raise ValueError(
            "restart cannot reset an optimizer with use_ema=True: compile "
            "the model again instead"
        )
    if learning_rate <= 0:
        raise ValueError(
            f"learning_rate must be positive, got {learning_rate}"
        )
    current = model.get_weights()
    if len(weights) != len(current) or any(
        np.shape(w) != c.shape for w, c in zip(weights, current)
    ):
        raise ValueError(
            "weights do not fit this model: pass the list that "
            "model.get_weights() returned"
        )
    model.set_weights(weights)
    for variable in optimizer.variables:
        variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
    # assigns the optimizer's learning-rate variable
    optimizer.learning_rate = learning_rate
    return model


Clock = Callable[
    [], float
]  # seconds, increasing; time.perf_counter in real runs, a fake clock in tests


class TimeBudget(keras.callbacks.Callback):
    """A callback that measures training time and, given ``seconds``, stops
    ``fit`` once they are spent.

    The clock starts when training begins. After every step it counts the step;
    when ``seconds`` is given and the elapsed time reaches it, it sets
    ``model.stop_training`` so ``fit`` ends after that step. With
    ``seconds=None`` it only measures (use it on the recipe whose time the
    other one is given).

    Attributes (read them after ``fit``): ``steps`` (steps trained),
    ``epochs_started`` (epochs begun, the last one perhaps cut short) and
    :attr:`elapsed` (seconds since training began, frozen when it ended).
    """

    def __init__(
        self, seconds: float | None = None, *, clock: Clock = time.perf_counter
    ) -> None:
        super().__init__()
        if seconds is not None and not seconds > 0:
            raise ValueError(
                "seconds must be positive (or None to only measure), got "
                f"{seconds}"
            )
        self.seconds = seconds
        self.clock = clock
        self.steps = 0
        self.epochs_started = 0
        self._start: float | None = None
        self._end: float | None = None

    @property
    def elapsed(self) -> float:
        """Seconds of training so far (0 before it starts; the whole run's time
        once it has ended)."""
        if self._start is None:
            return 0.0
        return (
            self._end if self._end is not None else self.clock()
        ) - self._start

    def fraction_done(self) -> float:
        """The fraction of the budget spent, between 0 and 1 (0 without a
        budget)."""
        if self.seconds is None:
            return 0.0
        return min(self.elapsed / self.seconds, 1.0)

    def spent(self) -> bool:
        """True once the budget is used up (never without a budget)."""
        return self.seconds is not None and self.elapsed >= self.seconds

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.steps, self.epochs_started = 0, 0
        self._start, self._end = self.clock(), None

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.epochs_started += 1

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.steps += 1
        if self.spent():
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        self._end = self.clock()


@dataclass
class BudgetRun:
    """What :func:`fit_for` did: its ``history``, ``steps`` trained, the same
    in ``epochs`` (a fraction when the last epoch was cut short), the
    ``seconds`` it took and the learning rate of every step (``rates``, empty
    when no schedule was given)."""

    history: keras.callbacks.History
    steps: int
    epochs: float
    seconds: float
    rates: list[float]


class _Schedule(keras.callbacks.Callback):
    """Set the optimizer's learning rate before every step from the fraction of
    the budget spent."""

    def __init__(
        self, budget: TimeBudget, learning_rate: Callable[[float], float]
    ) -> None:
        super().__init__()
        self.budget, self.learning_rate = budget, learning_rate
        self.rates: list[float] = []

    def on_train_batch_begin(
        self, batch: int, logs: dict | None = None
    ) -> None:
        rate = float(self.learning_rate(self.budget.fraction_done()))
        self.model.optimizer.learning_rate.assign(rate)
        self.rates.append(rate)


def fit_for(
    model: keras.Model,
    data: Any,
    seconds: float,
    *,
    learning_rate: Callable[[float], float] | None = None,
    callbacks: Iterable[keras.callbacks.Callback] = (),
    steps_per_epoch: int | None = None,
    clock: Clock = time.perf_counter,
    max_epochs: int = 100_000,
    **fit_kwargs: Any,
) -> BudgetRun:
    """Train a compiled ``model`` on ``data`` (a ``tf.data.Dataset`` of
    batches) until ``seconds`` are spent.

    ``learning_rate``, when given, maps the fraction of the budget spent (0 →
    1) to the learning rate of the next step, so a schedule such as warm-up +
    cosine decay runs over the wall-clock budget. Other ``fit`` arguments
    (``validation_data``, …) pass through; ``verbose`` defaults to 0 and
    ``shuffle`` to False. ``steps_per_epoch`` (taken from ``data`` when it has
    a known length) converts steps to epochs; when given, it is passed on to
    ``fit``, so an endless stream (``pipeline.batches(..., repeat=True)``) is
    cut into epochs of that many batches. ``clock`` measures the seconds: wall
    time by default; ``time.process_time`` counts only the processor seconds of
    this process, which other programs on a shared CPU do not inflate.

    Returns:
        A :class:`BudgetRun` with the history, the steps and epochs trained,
        the seconds used and the rates.
    """
    if getattr(model, "optimizer", None) is None or not getattr(
        model, "compiled", False
    ):
        raise ValueError(
            "fit_for needs a compiled model: call "
            "model.compile(optimizer=..., loss=...) first"
        )
    budget = TimeBudget(seconds, clock=clock)
    schedule = (
        _Schedule(budget, learning_rate) if learning_rate is not None else None
    )
    if steps_per_epoch is not None:
        fit_kwargs["steps_per_epoch"] = steps_per_epoch
    elif _endless(data):
        raise ValueError(
            "data never ends (a repeated dataset): pass "
            "steps_per_epoch=pipeline.steps_per_epoch(len(x), batch_size)"
        )
    else:
        steps_per_epoch = _known_length(data)
    fit_kwargs.setdefault("verbose", 0)
    fit_kwargs.setdefault("shuffle", False)
    own = [budget] + ([schedule] if schedule is not None else [])
    history = model.fit(
        data, epochs=max_epochs, callbacks=own + list(callbacks), **fit_kwargs
    )
    epochs = (
        budget.steps / steps_per_epoch
        if steps_per_epoch
        else float(budget.epochs_started)
    )
    return BudgetRun(
        history=history,
        steps=budget.steps,
        epochs=epochs,
        seconds=budget.elapsed,
        rates=schedule.rates if schedule is not None else [],
    )


def _cardinality(data: Any) -> int | None:
    """A ``tf.data`` dataset's cardinality (``tf.data.INFINITE_CARDINALITY``
    when it repeats without end, a negative code when unknown), else None."""
    cardinality = getattr(data, "cardinality", None)
    return int(cardinality().numpy()) if cardinality is not None else None


def _endless(data: Any) -> bool:
    """True for a ``tf.data`` dataset that repeats without end."""
    return _cardinality(data) == int(tf.data.INFINITE_CARDINALITY)


def _known_length(data: Any) -> int | None:
    """Batches per epoch of a dataset whose length is known (``tf.data``
    cardinality, ``len``), else None."""
    count = _cardinality(data)
    if count is not None:
        return count if count > 0 else None
    try:
        return len(data)
    except TypeError:
        return None
