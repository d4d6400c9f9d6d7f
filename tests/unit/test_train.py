import keras
import numpy as np
import pytest
import tensorflow as tf

from nnbook import seed
from nnbook.train import BudgetRun, TimeBudget, fast_fit, fit_for, restart

KMH = np.array(
    [123, 324, -22, 23.4, 5, -76, -45, 5.7, -8.98, 100, -180], dtype="float32"
)
MS = KMH / 3.6


def perceptron(learning_rate=0.01):
    seed(42)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    return model


def small_classifier():
    seed(1)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def test_same_loss_curve_and_weights_as_fit():
    plain, fast = perceptron(), perceptron()
    expected = plain.fit(
        KMH, MS, epochs=60, batch_size=len(KMH), shuffle=False, verbose=0
    )
    got = fast_fit(fast, KMH, MS, 60)
    np.testing.assert_allclose(
        got.history["loss"], expected.history["loss"], rtol=1e-4
    )
    np.testing.assert_allclose(
        fast.get_weights()[0], plain.get_weights()[0], rtol=1e-5
    )


def test_metrics_and_validation_match_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 2)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("float32")
    plain, fast = small_classifier(), small_classifier()
    kwargs = dict(validation_data=(x[80:], y[80:]))
    expected = plain.fit(
        x[:80],
        y[:80],
        epochs=25,
        batch_size=80,
        shuffle=False,
        verbose=0,
        **kwargs,
    )
    got = fast_fit(fast, x[:80], y[:80], 25, **kwargs)
    assert (
        sorted(got.history)
        == sorted(expected.history)
        == ["accuracy", "loss", "val_accuracy", "val_loss"]
    )
    for name in expected.history:
        np.testing.assert_allclose(
            got.history[name], expected.history[name], rtol=1e-4, atol=1e-6
        )


def test_returns_a_keras_history():
    model = perceptron()
    history = fast_fit(model, KMH, MS, 5)
    assert isinstance(history, keras.callbacks.History)
    assert history.epoch == [0, 1, 2, 3, 4]
    assert len(history.history["loss"]) == 5
    assert history.model is model


def test_ten_thousand_epochs_reach_one_over_three_point_six():
    model = perceptron()
    history = fast_fit(model, KMH, MS, 10_000)
    weight, bias = (float(v.reshape(-1)[0]) for v in model.get_weights())
    assert weight == pytest.approx(1 / 3.6, rel=0.01)
    assert abs(bias) < 0.05
    assert history.history["loss"][-1] < 1e-3


def test_continuing_equals_one_longer_run():
    one, two = perceptron(), perceptron()
    fast_fit(one, KMH, MS, 40)
    fast_fit(two, KMH, MS, 25)
    fast_fit(two, KMH, MS, 15)
    np.testing.assert_allclose(
        one.get_weights()[0], two.get_weights()[0], rtol=1e-6
    )


def test_clear_errors_for_misuse():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="needs a compiled model"):
        fast_fit(model, KMH, MS, 3)
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        fast_fit(perceptron(), KMH, MS, 0)
    with pytest.raises(ValueError, match="x has 11 examples but y has 10"):
        fast_fit(perceptron(), KMH, MS[:10], 3)


def test_many_calls_log_no_retracing_warnings(caplog):
    import logging

    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        for _ in range(7):
            fast_fit(
                perceptron(), KMH, MS, 2
            )  # also builds each model with Keras' own evaluate()
    assert "retracing" not in caplog.text


def conv_classifier(learning_rate=0.01):
    seed(3)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.BatchNormalization(),
            keras.layers.Flatten(),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
    )
    return model


def test_restart_gives_the_run_a_fresh_model_would_give_without_a_new_graph():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8, 8, 1)).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 0).astype("int32")
    fresh = conv_classifier(0.05)
    expected = fresh.fit(
        x, y, epochs=4, batch_size=16, shuffle=False, verbose=0
    ).history["loss"]

    reused = conv_classifier(0.01)
    start = reused.get_weights()
    reused.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    graph = reused.train_function
    assert int(reused.optimizer.iterations) == 12
    restart(reused, start, 0.05)
    assert int(reused.optimizer.iterations) == 0
    assert float(reused.optimizer.learning_rate) == pytest.approx(0.05)
    got = reused.fit(
        x, y, epochs=4, batch_size=16, shuffle=False, verbose=0
    ).history["loss"]
    assert reused.train_function is graph  # the traced graph was kept
    np.testing.assert_allclose(got, expected, rtol=1e-4)
    np.testing.assert_allclose(
        reused.get_weights()[0], fresh.get_weights()[0], rtol=1e-4, atol=1e-6
    )


def test_restart_refuses_what_it_cannot_reset():
    model = conv_classifier()
    with pytest.raises(ValueError, match="get_weights"):
        restart(model, model.get_weights()[:-1], 0.01)
    with pytest.raises(ValueError, match="positive"):
        restart(model, model.get_weights(), 0.0)
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compiled model"):
        restart(plain, plain.get_weights(), 0.01)


class FakeClock:
    """A clock that moves only when told: each training step below takes exactly one 'second'."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class OneSecondPerStep(keras.callbacks.Callback):
    def __init__(self, clock):
        super().__init__()
        self.clock = clock

    def on_train_batch_begin(self, batch, logs=None):
        self.clock.now += 1.0


def batches(n=48, batch_size=16):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 2)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(
        batch_size
    )  # 3 batches an epoch


def test_fit_for_stops_when_the_budget_is_spent_and_reports_steps_and_epochs():
    clock = FakeClock()
    run = fit_for(
        small_classifier(),
        batches(),
        5,
        clock=clock,
        callbacks=[OneSecondPerStep(clock)],
    )
    assert isinstance(run, BudgetRun)
    assert run.steps == 5  # step 5 ends at 5 s: the budget is spent, fit stops
    assert run.epochs == pytest.approx(
        5 / 3
    )  # 3 batches an epoch, the second one cut short
    assert run.seconds == pytest.approx(5.0)
    assert len(run.history.history["loss"]) == 2 and run.rates == []


def test_fit_for_sets_the_learning_rate_from_the_fraction_of_the_budget_spent():
    clock = FakeClock()
    model = small_classifier()
    run = fit_for(
        model,
        batches(),
        4,
        clock=clock,
        callbacks=[OneSecondPerStep(clock)],
        learning_rate=lambda done: 0.1 * (1 - done),
    )
    np.testing.assert_allclose(
        run.rates, [0.1, 0.075, 0.05, 0.025]
    )  # read before each step's second
    assert float(model.optimizer.learning_rate) == pytest.approx(0.025)
    assert run.steps == 4 and run.epochs == pytest.approx(4 / 3)


def test_fit_for_cuts_an_endless_stream_into_epochs_of_steps_per_epoch():
    clock = FakeClock()
    run = fit_for(
        small_classifier(),
        batches().repeat(),
        7,
        steps_per_epoch=3,
        clock=clock,
        callbacks=[OneSecondPerStep(clock)],
    )
    assert run.steps == 7 and run.epochs == pytest.approx(7 / 3)
    assert len(run.history.history["loss"]) == 3  # epochs 1, 2 and part of 3
    with pytest.raises(ValueError, match="steps_per_epoch"):
        fit_for(small_classifier(), batches().repeat(), 5, clock=FakeClock())


def test_time_budget_without_seconds_only_measures():
    clock = FakeClock()
    watch = TimeBudget(clock=clock)
    assert watch.elapsed == 0.0 and watch.fraction_done() == 0.0
    small_classifier().fit(
        batches(),
        epochs=2,
        callbacks=[watch, OneSecondPerStep(clock)],
        verbose=0,
    )
    assert watch.steps == 6 and watch.epochs_started == 2 and not watch.spent()
    clock.now += 50  # time after training is not counted
    assert watch.elapsed == pytest.approx(6.0)


def test_budget_errors_say_what_to_do():
    with pytest.raises(ValueError, match="positive"):
        TimeBudget(0)
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compiled model"):
        fit_for(plain, batches(), 5)


def test_fit_for_sets_the_rate_of_a_mixed_precision_model():
    # under mixed_float16 Keras wraps the optimizer in a LossScaleOptimizer; the schedule must reach the inner one
    clock = FakeClock()
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        seed(1)
        model = keras.Sequential(
            [
                keras.Input((2,)),
                keras.layers.Dense(4, activation="relu"),
                keras.layers.Dense(1, activation="sigmoid", dtype="float32"),
            ]
        )
    finally:
        keras.mixed_precision.set_global_policy("float32")
    model.compile(
        optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy"
    )
    run = fit_for(
        model,
        batches(),
        3,
        clock=clock,
        callbacks=[OneSecondPerStep(clock)],
        learning_rate=lambda done: 0.3 - 0.1 * done,
    )
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    assert (
        model.layers[0].compute_dtype == "float16"
        and model.layers[-1].compute_dtype == "float32"
    )
    np.testing.assert_allclose(
        run.rates, [0.3, 0.3 - 0.1 / 3, 0.3 - 0.2 / 3], rtol=1e-6
    )
    assert float(model.optimizer.learning_rate) == pytest.approx(0.3 - 0.2 / 3)
    assert float(
        model.optimizer.inner_optimizer.learning_rate
    ) == pytest.approx(0.3 - 0.2 / 3)
