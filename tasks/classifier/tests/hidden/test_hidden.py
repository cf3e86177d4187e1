"""Hidden tests for the classifier task: never shown to candidates.

The grader makes its own splits of the bundled dataset (loaded here, in the judge), so
a model tuned to one split or to the notebook's demo split gains nothing.  Test labels
never cross to the candidate; leakage checks compare predictions on re-ordered and
partial test sets, which must not change if the model is fitted on training data only.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

MIN_ACCURACY = 0.93


def _split(seed: int, test_size: float = 0.3):
    features, labels = load_breast_cancer(return_X_y=True)
    return train_test_split(features, labels, test_size=test_size, random_state=seed,
                            stratify=labels)


def _predict(candidate, x_train, y_train, x_test, seed=0):
    labels = np.asarray(candidate.fit_predict(x_train, y_train, x_test, seed))
    assert labels.shape == (len(x_test),)
    assert np.issubdtype(labels.dtype, np.integer)
    return labels


@pytest.mark.parametrize("split_seed", [11, 22, 33], ids=lambda s: f"split-{s}")
def test_held_out_accuracy(candidate, split_seed):
    """Accuracy on a held-out split the grader makes is at least MIN_ACCURACY."""
    x_train, x_test, y_train, y_test = _split(split_seed)
    accuracy = float(np.mean(_predict(candidate, x_train, y_train, x_test) == y_test))
    assert accuracy >= MIN_ACCURACY, f"held-out accuracy {accuracy:.3f}"


def test_same_seed_same_predictions(candidate):
    """Two calls with the same seed give identical labels."""
    x_train, x_test, y_train, _ = _split(44)
    first = _predict(candidate, x_train, y_train, x_test, seed=7)
    assert np.array_equal(first, _predict(candidate, x_train, y_train, x_test, seed=7))


def test_shuffled_test_rows_do_not_change_predictions(candidate):
    """Predictions follow their rows when the test set is shuffled (no fit on X_test)."""
    x_train, x_test, y_train, _ = _split(55)
    base = _predict(candidate, x_train, y_train, x_test)
    order = np.random.default_rng(1).permutation(len(x_test))
    assert np.array_equal(_predict(candidate, x_train, y_train, x_test[order]), base[order])


def test_prediction_independent_of_other_test_rows(candidate):
    """A row gets the same label alone, in half the test set, or with odd rows added."""
    x_train, x_test, y_train, _ = _split(66)
    base = _predict(candidate, x_train, y_train, x_test)
    half = _predict(candidate, x_train, y_train, x_test[: len(x_test) // 2])
    assert np.array_equal(half, base[: len(x_test) // 2])
    single = _predict(candidate, x_train, y_train, x_test[:1])
    assert single[0] == base[0]
    extreme = np.vstack([x_test, x_test * 50.0])
    assert np.array_equal(_predict(candidate, x_train, y_train, extreme)[: len(x_test)], base)


def test_learns_from_the_training_labels(candidate):
    """Flipped training labels flip most predictions: the model uses y_train."""
    x_train, x_test, y_train, y_test = _split(77)
    flipped = _predict(candidate, x_train, 1 - y_train, x_test)
    assert float(np.mean(flipped == y_test)) <= 1 - MIN_ACCURACY
