#!/usr/bin/env python3
"""The iris classifier as an MMF model, run by `mmf-worker --exec` (long-running, JSON lines via mmf_model).

    mmf-worker --model iris --exec 'python3 iris_model.py' --proto iris.proto \
        --request mmf.examples.iris.IrisRequest --response mmf.examples.iris.IrisResponse

A multinomial logistic regression over scikit-learn's bundled iris data (Debian's python3-sklearn, no
download). Empty (None) measurements are estimated from the given ones by a linear regression on the training
data (or set to the training mean when none is given). The answer carries each species' probability and each
measurement's contribution to the predicted species' score: the model is linear in the standardized inputs, so
score_k(x) - score_k(mean) = sum_j w_kj (x_j - mean_j) / scale_j splits exactly into one term per input.
"""

import mmf_model
import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.preprocessing import StandardScaler

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


class IrisModel:
    def __init__(self):
        data = load_iris()
        self.x = data.data
        self.species = [str(name) for name in data.target_names]
        self.scaler = StandardScaler().fit(self.x)
        self.classifier = LogisticRegression(max_iter=1000).fit(self.scaler.transform(self.x), data.target)
        self.fillers = {}  # (missing feature, given features) -> fitted LinearRegression

    def fill(self, values):
        """Fills the None entries; returns the values and how each was obtained."""
        given = [j for j, v in enumerate(values) if v is not None]
        sources = ["given" if v is not None else "" for v in values]
        filled = list(values)
        for j, value in enumerate(values):
            if value is not None:
                continue
            if not given:
                filled[j] = float(self.x[:, j].mean())
                sources[j] = "filled with the training mean"
                continue
            key = (j, tuple(given))
            if key not in self.fillers:
                self.fillers[key] = LinearRegression().fit(self.x[:, given], self.x[:, j])
            estimate = self.fillers[key].predict(np.array([[values[g] for g in given]]))[0]
            filled[j] = float(max(0.0, estimate))
            sources[j] = "estimated from %s by linear regression" % ", ".join(FEATURES[g] for g in given)
        return filled, sources

    def predict(self, request, context):
        for name in request:
            if name not in FEATURES:
                raise mmf_model.TaskError("invalid_argument", "unknown field %s" % name)
        values = [request.get(name) for name in FEATURES]
        for name, value in zip(FEATURES, values):
            if value is not None and not 0 <= value <= 100:
                raise mmf_model.TaskError("invalid_argument", "%s must be from 0 to 100 cm" % name)
        filled, sources = self.fill(values)
        for name, value, source in zip(FEATURES, filled, sources):
            if source != "given":
                context.log("%s was empty: %s (%.2f cm)" % (name, source, value))

        z = self.scaler.transform(np.array([filled]))
        probabilities = self.classifier.predict_proba(z)[0]
        best = int(np.argmax(probabilities))
        contributions = self.classifier.coef_[best] * z[0]  # the mean flower is z = 0
        order = sorted(range(4), key=lambda j: -abs(contributions[j]))
        explanation = "%s (%.0f%%), mostly because of %s." % (
            self.species[best], 100 * probabilities[best],
            " and ".join("%s %.1f cm" % (FEATURES[j].replace("_", " "), filled[j]) for j in order[:2]))
        empty = [j for j in range(4) if sources[j] != "given"]
        if empty:
            explanation += " Empty: " + "; ".join("%s %s (%.2f cm)" % (FEATURES[j], sources[j], filled[j])
                                                  for j in empty) + "."
        return {
            "species": self.species[best],
            "probabilities": [float(p) for p in probabilities],
            "contributions": [float(c) for c in contributions],
            "inputs": [{"feature": FEATURES[j], "value": filled[j], "source": sources[j],
                        "contribution": float(contributions[j])} for j in range(4)],
            "explanation": explanation,
        }


if __name__ == "__main__":
    model = IrisModel()
    mmf_model.serve(model.predict)
