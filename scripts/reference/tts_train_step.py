"""PyTorch reference for `percept bench tts`: one training step (forward, MSE, backward, Adam) of each of the
voice's feed-forward networks, the same sizes, activations, batch and optimiser as main/tts/model and
main/tts/train/fit.ts, so the bench can put TF.js's time beside PyTorch's on the same machine.

Reads a JSON spec on stdin:
  {"threads": 2, "batch": 256, "warmup": 2, "measured": 5,
   "networks": [{"name": "acoustic", "sizes": [266, 1024, ..., 187], "output": "linear" | "sigmoid",
                 "tied": false}]}
`tied`: the sizes are an auto-encoder's (1025, 500, 60, 500, 1025) whose decoder reuses the encoder's
weights transposed (W' = W^T), as main/tts/model/tied-autoencoder.ts. Hidden units are sigmoid.
Prints {"torch": version, "threads": n, "networks": {name: median ms per step}} on stdout.
"""
import json
import sys
import time

import torch


class Mlp(torch.nn.Module):
    def __init__(self, sizes, output):
        super().__init__()
        self.layers = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.output = output

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1 or self.output == "sigmoid":
                x = torch.sigmoid(x)
        return x


class TiedAutoEncoder(torch.nn.Module):
    def __init__(self, sizes):
        super().__init__()
        half = len(sizes) // 2
        encoder = sizes[: half + 1]
        self.weights = torch.nn.ParameterList(torch.nn.Parameter(torch.randn(b, a) * 0.01) for a, b in zip(encoder[:-1], encoder[1:]))
        self.enc_bias = torch.nn.ParameterList(torch.nn.Parameter(torch.zeros(b)) for b in encoder[1:])
        self.dec_bias = torch.nn.ParameterList(torch.nn.Parameter(torch.zeros(a)) for a in reversed(encoder[:-1]))

    def forward(self, x):
        for w, b in zip(self.weights, self.enc_bias):
            x = torch.sigmoid(torch.nn.functional.linear(x, w, b))
        for w, b in zip(reversed(self.weights), self.dec_bias):
            x = torch.sigmoid(torch.nn.functional.linear(x, w.t(), b))
        return x


def step_ms(net, batch, warmup, measured):
    sizes = net["sizes"]
    model = TiedAutoEncoder(sizes) if net.get("tied") else Mlp(sizes, net.get("output", "linear"))
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(1)
    x = torch.rand(batch, sizes[0], generator=generator)
    y = torch.rand(batch, sizes[-1], generator=generator)

    def step():
        optimiser.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimiser.step()
        return loss.item()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(measured):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    mid = len(times) // 2
    return times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(int(spec.get("threads", 2)))
    out = {}
    for net in spec["networks"]:
        out[net["name"]] = round(step_ms(net, int(spec["batch"]), int(spec["warmup"]), int(spec["measured"])), 2)
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "networks": out}, sys.stdout)


if __name__ == "__main__":
    main()
