#!/usr/bin/env python3
"""A small PyTorch CNN exported to ONNX, with PyTorch's own outputs, for test/fixtures/onnx/torch-cnn/.

The test (test/integration/compute/torch-onnx-import.test.ts) imports the package the way
`percept models import` does and runs it in onnxruntime-node against the outputs saved here, so a
model made outside this project is checked end to end. It reads the committed files only; run this
only to regenerate them (needs PyTorch and numpy):

    python3 scripts/reference/export_torch_cnn.py

What it writes, into test/fixtures/onnx/torch-cnn/:
    package/model.onnx   the exported graph (opset 17, batch axis dynamic)
    package/model.json   the project's package description of it (task 'generic': the weights are random)
    input.npy            float32 (3, 64, 41, 2): a batch shaped like the sound classifier's input
    logits.npy           float32 (3, 10): PyTorch's outputs for input.npy
    probabilities.npy    float32 (3, 10)

The weights are seeded, not trained: the test checks the arithmetic, not the accuracy. The layers are
those a PyTorch sound classifier would use, including the ones most likely to be exported or run
differently: dilated conv2d (unequal dilations too), batch norm with non-trivial statistics in eval
mode (once folded into a conv by the exporter, once left as its own node), max pooling over an odd
width, global average pooling, a linear layer and softmax, behind a channels-last to NCHW transpose.
"""

import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
from torch import nn

OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "onnx" / "torch-cnn"
OPSET = 17
SEED = 20240611
BATCH = 3
MELS, FRAMES, CHANNELS = 64, 41, 2
CLASSES = 10


class TorchCnn(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(CHANNELS, 8, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 12, kernel_size=3, padding=(2, 4), dilation=(2, 4))
        self.bn2 = nn.BatchNorm2d(12)
        self.pool = nn.MaxPool2d(2)  # 64 x 41 -> 32 x 20: the odd last column is dropped
        self.conv3 = nn.Conv2d(12, 16, kernel_size=3, padding=2, dilation=2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, CLASSES)

    def forward(self, segments: torch.Tensor):
        # The project's models take channels-last (N, mels, frames, channels); PyTorch convolves NCHW.
        x = segments.permute(0, 3, 1, 2)
        x = torch.relu(self.bn1(self.conv1(x)))
        # bn1 follows a conv, so the exporter folds it into that Conv's weights; bn2 follows a relu and
        # stays a BatchNormalization node. Both ways a PyTorch model reaches onnxruntime are covered.
        x = self.bn2(torch.relu(self.conv2(x)))
        x = self.pool(x)
        x = torch.relu(self.conv3(x))
        logits = self.fc(torch.flatten(self.gap(x), 1))
        return logits, torch.softmax(logits, dim=1)


def build() -> TorchCnn:
    torch.manual_seed(SEED)
    model = TorchCnn()
    with torch.no_grad():
        # Batch-norm statistics away from (0, 1), so that eval-mode normalisation does real work.
        for bn in (model.bn1, model.bn2):
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.2, 0.2)
        # Logits spread over a few units, so the softmax is far from uniform.
        model.fc.weight.normal_(0.0, 2.0)
    return model.eval()


def save_npy(path: Path, array: np.ndarray) -> None:
    np.save(path, np.ascontiguousarray(array, dtype="<f4"))


def main() -> None:
    model = build()
    generator = torch.Generator().manual_seed(SEED + 1)
    # Noise alone averages out in the global pool and gives every example nearly the same output;
    # examples of different loudness and spectral shape (a band that moves) give distinct rows.
    noise = torch.randn(BATCH, MELS, FRAMES, CHANNELS, generator=generator, dtype=torch.float32)
    mel = torch.arange(MELS, dtype=torch.float32).view(1, MELS, 1, 1)
    centre = torch.tensor([10.0, 32.0, 54.0]).view(BATCH, 1, 1, 1)
    band = 3.0 * torch.exp(-(((mel - centre) / 6.0) ** 2))
    scale = torch.tensor([0.5, 1.0, 2.0]).view(BATCH, 1, 1, 1)
    segments = (scale * noise + band).contiguous()
    with torch.no_grad():
        logits, probabilities = model(segments)

    package = OUT / "package"
    package.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model,
        (segments,),
        str(package / "model.onnx"),
        opset_version=OPSET,
        input_names=["segments"],
        output_names=["logits", "probabilities"],
        dynamic_axes={"segments": {0: "N"}, "logits": {0: "N"}, "probabilities": {0: "N"}},
        do_constant_folding=True,
    )
    meta = {
        "formatVersion": 1,
        "name": "torch-cnn-fixture",
        "task": "generic",
        "description": "A small seeded, untrained PyTorch CNN exported with torch.onnx.export; a test fixture.",
        "inputs": [{"name": "segments", "shape": ["N", MELS, FRAMES, CHANNELS], "dtype": "float32"}],
        "outputs": [
            {"name": "logits", "shape": ["N", CLASSES], "dtype": "float32"},
            {"name": "probabilities", "shape": ["N", CLASSES], "dtype": "float32"},
        ],
        "preprocessing": {},
        "provenance": {
            "createdAt": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "framework": f"pytorch {torch.__version__}",
        },
    }
    (package / "model.json").write_text(json.dumps(meta, indent=2) + "\n")
    save_npy(OUT / "input.npy", segments.numpy())
    save_npy(OUT / "logits.npy", logits.numpy())
    save_npy(OUT / "probabilities.npy", probabilities.numpy())
    print(f"wrote {OUT} (torch {torch.__version__}, opset {OPSET})")
    print("logits range", float(logits.min()), float(logits.max()), "max probability", float(probabilities.max()))


if __name__ == "__main__":
    main()
