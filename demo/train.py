"""Classify Palmer penguins by species with softmax regression, in plain Python.

Standard library only, so it runs anywhere: reads data/penguins.csv, trains with mini-batch
gradient descent and prints one line per epoch, e.g.

    epoch 3 loss=0.4121 accuracy=0.8934 val_loss=0.4410 val_accuracy=0.8841

ML Workbench picks those lines up as metrics when the script runs in a VS Code terminal.
"""
import argparse
import csv
import math
import random
import time
from pathlib import Path

FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
DATA = Path(__file__).parent / "data" / "penguins.csv"


def load(path):
    rows, labels = [], []
    with open(path, newline="") as f:
        for record in csv.DictReader(f):
            if any(record[k] == "" for k in FEATURES):
                continue  # two penguins were not measured
            rows.append([float(record[k]) for k in FEATURES])
            labels.append(record["species"])
    classes = sorted(set(labels))
    return rows, [classes.index(label) for label in labels], classes


def standardize(train, other):
    cols = list(zip(*train))
    mean = [sum(c) / len(c) for c in cols]
    std = [math.sqrt(sum((v - m) ** 2 for v in c) / len(c)) or 1.0 for c, m in zip(cols, mean)]
    scale = lambda xs: [[(v - m) / s for v, m, s in zip(x, mean, std)] for x in xs]
    return scale(train), scale(other)


def softmax(z):
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return [v / total for v in e]


def predict(weights, bias, x):
    return softmax([sum(w * v for w, v in zip(ws, x)) + b for ws, b in zip(weights, bias)])


def evaluate(weights, bias, xs, ys):
    loss, correct = 0.0, 0
    for x, y in zip(xs, ys):
        p = predict(weights, bias, x)
        loss -= math.log(max(p[y], 1e-12))
        correct += p.index(max(p)) == y
    return loss / len(xs), correct / len(xs)


def train(xs, ys, n_classes, lr, epochs, batch_size, weight_decay, xs_val, ys_val, delay):
    rng = random.Random(0)
    weights = [[rng.gauss(0, 0.01) for _ in FEATURES] for _ in range(n_classes)]
    bias = [0.0] * n_classes
    order = list(range(len(xs)))
    for epoch in range(1, epochs + 1):
        rng.shuffle(order)
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            grad_w = [[0.0] * len(FEATURES) for _ in range(n_classes)]
            grad_b = [0.0] * n_classes
            for i in batch:
                p = predict(weights, bias, xs[i])
                for k in range(n_classes):
                    err = p[k] - (1.0 if k == ys[i] else 0.0)
                    grad_b[k] += err
                    for j, v in enumerate(xs[i]):
                        grad_w[k][j] += err * v
            for k in range(n_classes):
                bias[k] -= lr * grad_b[k] / len(batch)
                for j in range(len(FEATURES)):
                    weights[k][j] -= lr * (grad_w[k][j] / len(batch) + weight_decay * weights[k][j])
        loss, acc = evaluate(weights, bias, xs, ys)
        val_loss, val_acc = evaluate(weights, bias, xs_val, ys_val)
        print(f"epoch {epoch} loss={loss:.4f} accuracy={acc:.4f} val_loss={val_loss:.4f} val_accuracy={val_acc:.4f}", flush=True)
        time.sleep(delay)  # a real model takes longer; this keeps the run visible while it trains
    return weights, bias


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--val-fraction", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds to pause after each epoch")
    args = parser.parse_args()

    rows, labels, classes = load(DATA)
    idx = list(range(len(rows)))
    random.Random(args.seed).shuffle(idx)
    n_val = int(len(idx) * args.val_fraction)
    val, tr = idx[:n_val], idx[n_val:]
    xs, xs_val = standardize([rows[i] for i in tr], [rows[i] for i in val])
    ys, ys_val = [labels[i] for i in tr], [labels[i] for i in val]
    print(f"{len(xs)} training and {len(xs_val)} validation penguins, classes: {', '.join(classes)}", flush=True)
    train(xs, ys, len(classes), args.lr, args.epochs, args.batch_size, args.weight_decay, xs_val, ys_val, args.delay)


if __name__ == "__main__":
    main()
