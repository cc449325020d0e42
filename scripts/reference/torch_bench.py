#!/usr/bin/env python3
"""PyTorch's time for the networks the project's benchmarks time, so that they print the ratio.

main/compute/bench/pytorch-reference.ts starts this with Debian's python3-torch (or PERCEPT_PYTHON) and
talks to it one JSON object a line, so that our figures and PyTorch's are measured in the same run,
interleaved round by round (background work on the machine then slows both alike):

    {"op": "build", "id": "cnn", "spec": {...}, "batch": 32}  ->  {"params": 28970}
    {"op": "train", "id": "cnn", "reps": 3}                   ->  {"ms": [...]}   one optimizer step each
    {"op": "infer", "id": "cnn", "reps": 3}                   ->  {"ms": [...]}   eval-mode forward pass each
    {"op": "infer_int8", "id": "cnn", "reps": 3}              ->  {"ms": [...], "engine": "onednn"}  the same, convolutions int8
    {"op": "infer_optimised", "id": "cnn", "reps": 3}         ->  {"ms": [...]}   the same, TorchScript optimised for inference
    {"op": "quit"}

The first line it writes is {"torch": version, "threads": n}, or {"error": why} when torch cannot load.
A spec is the TF.js model read layer by layer (pytorch-reference.ts: torchSpecOf); the network is built
the way a PyTorch user would write it: NCHW, nn.Conv2d with 'same' padding (as numbers where symmetric), logits into
F.cross_entropy (TF.js applies softmax then categorical cross-entropy: the same arithmetic), SGD with
the model's learning rate and Nesterov momentum. Weights are seeded, not copied: only time is compared.

Run by hand: python3 scripts/reference/torch_bench.py 2 < requests.jsonl   (2 = torch.set_num_threads)
"""

import json
import statistics
import sys
import time


def reply(value) -> None:
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except Exception as error:  # noqa: BLE001 - any import failure means "no PyTorch here"
    reply({"error": f"{type(error).__name__}: {error}"})
    sys.exit(0)


def same_padding(layer: dict):
    """'same' as numbers where it is symmetric (odd spans: what quantised convolutions accept), else 'same'."""
    spans = [d * (k - 1) for k, d in zip(layer["kernel"], layer["dilation"])]
    return tuple(s // 2 for s in spans) if all(s % 2 == 0 for s in spans) else "same"


class SpecNetwork(nn.Module):
    """Convolutions, poolings, global average pooling, dropout and dense layers, in the spec's order."""

    def __init__(self, spec: dict) -> None:
        super().__init__()
        channels = spec["input"][2]
        self.layers = nn.ModuleList()
        self.activations = []
        features = channels
        self.softmax = False
        for layer in spec["layers"]:
            kind = layer["kind"]
            if kind == "conv":
                module = nn.Conv2d(features, layer["filters"], tuple(layer["kernel"]), dilation=tuple(layer["dilation"]),
                                   padding=same_padding(layer) if layer["padding"] == "same" else 0)
                features = layer["filters"]
            elif kind == "maxpool":
                # TF's 'same' pooling at stride = pool size keeps the ragged last window: ceil_mode.
                module = nn.MaxPool2d(tuple(layer["pool"]), ceil_mode=layer["padding"] == "same")
            elif kind == "gap":
                module = GlobalAveragePool()
            elif kind == "dropout":
                module = nn.Dropout(layer["rate"])
            elif kind == "dense":
                module = nn.Linear(features, layer["units"])
                features = layer["units"]
            else:
                raise ValueError(f"layer kind {kind!r} is not in this script")
            self.layers.append(module)
            activation = layer.get("activation", "linear")
            if activation == "softmax":
                self.softmax = True  # the last layer's; training feeds its logits to cross_entropy
                activation = "linear"
            if activation not in ("relu", "linear"):
                raise ValueError(f"activation {activation!r} is not in this script")
            self.activations.append(activation)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        for module, activation in zip(self.layers, self.activations):
            x = module(x)
            if activation == "relu":
                x = F.relu(x)
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.logits(x)
        return torch.softmax(y, dim=1) if self.softmax else y


class GlobalAveragePool(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(2, 3))


class Bench:
    def __init__(self, spec: dict, batch: int) -> None:
        torch.manual_seed(1)
        self.model = SpecNetwork(spec)
        height, width, channels = spec["input"]
        self.x = torch.rand(batch, channels, height, width) * 2 - 1
        classes = spec["layers"][-1]["units"]
        self.labels = torch.arange(batch) % classes
        opt = spec["optimizer"]
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=opt["lr"], momentum=opt["momentum"], nesterov=opt["nesterov"])

    def train(self) -> None:
        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.model.logits(self.x), self.labels)
        loss.backward()
        self.optimizer.step()

    def infer(self) -> None:
        self.model.eval()
        with torch.inference_mode():
            self.model(self.x)


    def quantized(self) -> nn.Module:
        """The network with its convolutions in int8 (static, calibrated on the batch; dense layers stay float),
        as PyTorch's FX quantisation makes it with the first quantised engine this build has."""
        if getattr(self, "_quantized", None) is None:
            import copy
            from torch.ao.quantization import get_default_qconfig_mapping
            from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
            engines = [e for e in ("x86", "fbgemm", "onednn") if e in torch.backends.quantized.supported_engines]
            if not engines:
                raise RuntimeError("this PyTorch build has no quantised CPU engine")
            torch.backends.quantized.engine = engines[0]
            self.engine = engines[0]
            mapping = get_default_qconfig_mapping(engines[0]).set_object_type(nn.Linear, None)
            prepared = prepare_fx(copy.deepcopy(self.model).eval(), mapping, (self.x,))
            with torch.inference_mode():
                prepared(self.x)
            self._quantized = convert_fx(prepared)
        return self._quantized

    def optimised(self):
        """The network as PyTorch's own CPU inference recipe makes it: traced, frozen and optimised
        (torch.jit.optimize_for_inference: weights prepacked for oneDNN, convolution and ReLU fused).
        Eager inference was measured at 31 to 100 ms for the reference CNN on one 2-core host, depending on
        what the process ran before; this graph stays near the machine's multiply peak."""
        if getattr(self, "_optimised", None) is None:
            import copy
            with torch.no_grad():
                traced = torch.jit.trace(copy.deepcopy(self.model).eval(), self.x)
                self._optimised = torch.jit.optimize_for_inference(traced)
        return self._optimised

    def infer_optimised(self) -> None:
        model = self.optimised()
        with torch.no_grad():
            model(self.x)

    def infer_int8(self) -> None:
        model = self.quantized()
        with torch.inference_mode():
            model(self.x)


def timed(run, reps: int) -> list:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    reply({"torch": torch.__version__, "threads": torch.get_num_threads()})
    benches = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            op = request["op"]
            if op == "quit":
                return
            if op == "build":
                bench = Bench(request["spec"], request["batch"])
                benches[request["id"]] = bench
                reply({"params": sum(p.numel() for p in bench.model.parameters())})
            elif op in ("train", "infer", "infer_int8", "infer_optimised"):
                bench = benches[request["id"]]
                run = {"train": bench.train, "infer": bench.infer, "infer_int8": bench.infer_int8, "infer_optimised": bench.infer_optimised}[op]
                times = timed(run, request["reps"])
                reply({"ms": times, "median": statistics.median(times), **({"engine": bench.engine} if op == "infer_int8" else {})})
            else:
                reply({"error": f"unknown op {op!r}"})
        except Exception as error:  # noqa: BLE001 - reported to the caller, which says what failed
            reply({"error": f"{type(error).__name__}: {error}"})


if __name__ == "__main__":
    main()
