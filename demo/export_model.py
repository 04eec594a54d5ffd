"""Train a small neural network on the Palmer penguins and export it to ONNX (models/penguins.onnx).

Needs PyTorch and the onnx package (e.g. Debian's python3-torch and python3-onnx):

    python3 export_model.py --epochs 200

Prints one metrics line per 20 epochs, which ML Workbench records when the script runs in a
VS Code terminal or under `mlwb run`; when the mlwb client is importable the ONNX file is also
logged as an artifact of the run, so the Models view shows which run produced it.
Then open models/penguins.onnx in VS Code: Try It, Benchmark, Evaluate on Data (data/penguins.csv,
label column `species`).
"""
import argparse
import json
import os
import random
from pathlib import Path

import onnx
import torch
from torch import nn

from train import DATA, FEATURES, load

HERE = Path(__file__).parent


class PenguinClassifier(nn.Module):
    """Standardisation is part of the model, so it takes raw measurements."""

    def __init__(self, mean, std, classes):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, classes))

    def forward(self, x):
        return torch.softmax(self.net((x - self.mean) / self.std), dim=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--lr", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    rows, labels, classes = load(DATA)  # the training script's reader: same rows, same classes
    x, y = torch.tensor(rows), torch.tensor(labels)
    order = list(range(len(y)))
    random.shuffle(order)
    cut = int(0.8 * len(order))
    train, val = torch.tensor(order[:cut]), torch.tensor(order[cut:])
    model = PenguinClassifier(x[train].mean(0), x[train].std(0), len(classes))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    nll = nn.NLLLoss()
    for epoch in range(1, args.epochs + 1):
        model.train()
        opt.zero_grad()
        loss = nll(torch.log(model(x[train]) + 1e-9), y[train])
        loss.backward()
        opt.step()
        if epoch % 20 == 0 or epoch == args.epochs:
            model.eval()
            with torch.no_grad():
                p = model(x[val])
                val_loss = nll(torch.log(p + 1e-9), y[val]).item()
                val_acc = (p.argmax(1) == y[val]).float().mean().item()
            print(f"epoch {epoch} loss={loss.item():.4f} val_loss={val_loss:.4f} val_accuracy={val_acc:.4f}", flush=True)

    out = HERE / "models" / "penguins.onnx"
    out.parent.mkdir(exist_ok=True)
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 4), str(out), input_names=["features"], output_names=["probabilities"],
                      dynamic_axes={"features": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=17)
    proto = onnx.load(str(out))
    onnx.helper.set_model_props(proto, {"class_labels": json.dumps(classes), "features": json.dumps(FEATURES),
                                        "trained_on": "data/penguins.csv"})
    onnx.save(proto, str(out))
    print(f"wrote {out.relative_to(HERE)} ({out.stat().st_size} bytes)")
    if not (os.environ.get("MLWB_RUN_ID") or os.environ.get("MLWB_ENDPOINT")):
        return  # not tracked
    try:
        import mlwb  # the ML Workbench client (pip install it from the extension's python/ folder)
    except ImportError:
        print("mlwb client not installed: the model is not logged as an artifact")
        return
    mlwb.start_run(name="penguins-onnx")  # attaches to the tracked run
    mlwb.log_artifact(str(out), "models")
    mlwb.end_run()


if __name__ == "__main__":
    main()
