#!/usr/bin/env python3
"""PyTorch's time for paper 003's segmentation network, for `percept bench mri` to set beside its own.

The same network as main/mri/segmentation/network.ts (the modified V-Net with deep supervision of Fig. 2), rebuilt
in PyTorch layer for layer, so that the two are the same computation:
- a learnable 2^3 stride-2 convolution of the input -> GN -> ELU, and 2x nearest upsampling before the last layer;
- levels of base * 2^i channels, residual blocks of [2, 3, 3, 3] spatial convolutions (conv -> GN(4) -> ELU),
  a 1x1 conv -> GN -> ELU shortcut where the channels change, spatial dropout (0.1) after each addition;
  max pooling down, nearest upsampling up, the upsampled tensor concatenated with the skip;
- deep supervision: every decoder level's (and the bottleneck's) output upsampled to the finest level and
  concatenated, a 1x1 conv to the labels -> GN -> ELU, 2x upsampling, a 1x1 conv without bias, softmax;
- kernels: conventional 3^3, or the Gabor-based 7^3 kernel of equation (2) materialised inside the torch graph
  from its 8 parameters per (input, output) channel pair on every forward pass (autograd reaches them), in mode
  gabor everywhere, in mode mixed everywhere but the finest level.
The parameter count of each mode is printed so the caller can check it equals TF.js's.

The training step: batch 1, the PCC loss of equation (4) (eps 1e-7, mean over labels), torch.optim.NAdam; the
inference: the mixed network at a larger cube, eval mode, no autograd. Weights are seeded, not copied: only time
is compared.

By hand: python3 scripts/reference/mri_segmentation_bench.py --threads 2 --train-size 64 --infer-size 128
prints one JSON object (medians after warm-up, ms). `percept bench mri` (main/mri/bench/torch-reference.ts) runs
it with --serve and talks to it one JSON object a line, so that its repetitions and PyTorch's interleave round by
round (background work on the machine then slows both alike):

    first line written: {"torch": version, "threads": n}, or {"error": why} when torch cannot load
    {"op": "build", "id": "t", "mode": "gabor", "size": 64, "base": 8, "blocks": [2, 3, 3, 3], "labels": 20,
     "train": true}                                   ->  {"params": 173500}
    {"op": "train" | "infer", "id": "t", "reps": 2}   ->  {"ms": [...]}   one optimizer step / forward pass each
    {"op": "drop", "id": "t"}, {"op": "rss"} -> {"peak_rss_mb": n}, {"op": "quit"}

Needs PyTorch (Debian: apt install python3-torch); nothing else.
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except Exception as error:  # noqa: BLE001 - any import failure means "no PyTorch here"
    if "--serve" in sys.argv:
        sys.stdout.write(json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n")
        sys.exit(0)
    raise

MODES = ("conventional", "gabor", "mixed")
EPS = 1e-7


class GaborConv3d(nn.Module):
    """Equation (2): 8 trainable numbers per (in, out) pair make a k^3 kernel indexed (z, y, x)."""

    def __init__(self, c_in, c_out, k=7):
        super().__init__()
        self.k = k
        shape = (c_out, c_in)
        u = lambda lo, hi: nn.Parameter(torch.empty(shape).uniform_(lo, hi))
        grid = torch.arange(k, dtype=torch.float32) - (k - 1) / 2
        energy = float(torch.exp(-(grid.view(-1, 1, 1) ** 2 + grid.view(1, -1, 1) ** 2 + grid.view(1, 1, -1) ** 2) / (3 * k / 8) ** 2).sum())
        amplitude = math.sqrt(2 / (c_in * energy))
        self.sigma = u(k / 4, k / 2)
        self.theta_y = u(-math.pi, math.pi)
        self.theta_z = u(-math.pi, math.pi)
        self.a_re = nn.Parameter(torch.randn(shape) * amplitude)
        self.a_im = nn.Parameter(torch.randn(shape) * amplitude)
        self.f_re = u(0, 0.25)
        self.f_im = u(0, 0.25)
        self.psi = u(-math.pi, math.pi)
        self.bias = nn.Parameter(torch.zeros(c_out))
        self.register_buffer("z", grid.view(1, 1, k, 1, 1), persistent=False)
        self.register_buffer("y", grid.view(1, 1, 1, k, 1), persistent=False)
        self.register_buffer("x", grid.view(1, 1, 1, 1, k), persistent=False)

    def kernel(self):
        p = lambda t: t.view(*t.shape, 1, 1, 1)
        x, y, z = self.x, self.y, self.z
        ty, tz = p(self.theta_y), p(self.theta_z)
        x_rot = torch.cos(ty) * (torch.cos(tz) * x - torch.sin(tz) * y) + torch.sin(ty) * z
        envelope = torch.exp(-(x * x + y * y + z * z) / (2 * p(self.sigma) ** 2))
        psi = p(self.psi)
        wave = p(self.a_re) * torch.cos(2 * math.pi * p(self.f_re) * x_rot + psi) + p(self.a_im) * torch.sin(2 * math.pi * p(self.f_im) * x_rot + psi)
        return envelope * wave  # [out, in, k, k, k]

    def forward(self, t):
        return F.conv3d(t, self.kernel(), self.bias, padding=self.k // 2)


class Unit(nn.Sequential):
    """A convolution -> GN -> ELU."""

    def __init__(self, conv, channels, groups=4):
        super().__init__(conv, nn.GroupNorm(groups, channels), nn.ELU())


class Block(nn.Module):
    def __init__(self, c_in, filters, convs, gabor, dropout):
        super().__init__()
        self.shortcut = None if c_in == filters else Unit(nn.Conv3d(c_in, filters, 1), filters)
        layers = []
        for i in range(convs):
            cin = c_in if i == 0 else filters
            conv = GaborConv3d(cin, filters, 7) if gabor else nn.Conv3d(cin, filters, 3, padding=1)
            layers.append(Unit(conv, filters))
        self.convs = nn.Sequential(*layers)
        self.dropout = nn.Dropout3d(dropout) if dropout > 0 else nn.Identity()

    def forward(self, t):
        short = t if self.shortcut is None else self.shortcut(t)
        return self.dropout(self.convs(t) + short)


class VNetDS(nn.Module):
    def __init__(self, mode, base=8, blocks=(2, 3, 3, 3), labels=20, dropout=0.1):
        super().__init__()
        levels = len(blocks)
        gabor = lambda level: mode == "gabor" or (mode == "mixed" and level >= 1)
        f = lambda level: base * 2**level
        self.down = Unit(nn.Conv3d(1, base, 2, stride=2), base)
        self.encoder = nn.ModuleList()
        channels = base
        for level in range(levels):
            self.encoder.append(Block(channels, f(level), blocks[level], gabor(level), dropout))
            channels = f(level)
        self.decoder = nn.ModuleList()
        leg = channels
        for level in range(levels - 2, -1, -1):
            self.decoder.append(Block(channels + f(level), f(level), blocks[level], gabor(level), dropout))
            channels = f(level)
            leg += channels
        self.head = Unit(nn.Conv3d(leg, labels, 1), labels, math.gcd(4, labels))
        self.out = nn.Conv3d(labels, labels, 1, bias=False)
        self.levels = levels

    def forward(self, t):
        t = self.down(t)
        skips, leg = [], [None] * self.levels
        for level, block in enumerate(self.encoder):
            t = block(t)
            if level < self.levels - 1:
                skips.append(t)
                t = F.max_pool3d(t, 2)
            else:
                leg[level] = t
        for block, level in zip(self.decoder, range(self.levels - 2, -1, -1)):
            t = block(torch.cat([F.interpolate(t, scale_factor=2, mode="nearest"), skips[level]], 1))
            leg[level] = t
        t = torch.cat([u if level == 0 else F.interpolate(u, scale_factor=2**level, mode="nearest") for level, u in enumerate(leg)], 1)
        t = F.interpolate(self.head(t), scale_factor=2, mode="nearest")
        return torch.softmax(self.out(t), 1)


def pcc_loss(y, p):
    axes = (2, 3, 4)
    yc = y - y.mean(axes, keepdim=True)
    pc = p - p.mean(axes, keepdim=True)
    r = (pc * yc).sum(axes) / torch.sqrt((pc * pc).sum(axes) * (yc * yc).sum(axes) + EPS)
    return (1 - 0.5 * (r + 1)).mean()


def median_ms(warmup, measured, run):
    for _ in range(warmup):
        run()
    times = timed(measured, run)
    return round(statistics.median(times), 2)


def timed(reps, run):
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


class Task:
    """One network at one cube edge: a training step (batch 1, PCC, NAdam) or an eval-mode forward pass."""

    def __init__(self, mode, size, base, blocks, labels, train, lr=1e-3):
        self.model = VNetDS(mode, base, tuple(blocks), labels)
        self.params = sum(p.numel() for p in self.model.parameters() if p.requires_grad)
        self.x = torch.randn(1, 1, size, size, size)
        self.mode = mode
        if train:
            self.model.train()
            self.y = F.one_hot(torch.randint(0, labels, (1, size, size, size)), labels).permute(0, 4, 1, 2, 3).float()
            self.optimizer = torch.optim.NAdam(self.model.parameters(), lr=lr)
        else:
            self.model.eval()

    def train(self):
        self.optimizer.zero_grad(set_to_none=True)
        loss = pcc_loss(self.y, self.model(self.x))
        loss.backward()
        self.optimizer.step()
        if not math.isfinite(loss.item()):
            raise RuntimeError(f"{self.mode}: the loss is {loss.item()}")

    def infer(self):
        with torch.no_grad():
            self.model(self.x)


def peak_rss_mb():
    # ru_maxrss is KiB on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def serve(threads):
    """One JSON request a line on stdin, one answer a line on stdout (see the module's docstring)."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    reply({"torch": torch.__version__, "threads": torch.get_num_threads()})
    tasks = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            op = request.get("op")
            if op == "quit":
                break
            if op == "build":
                if request["mode"] not in MODES:
                    raise ValueError(f"unknown mode {request['mode']}")
                task = Task(request["mode"], request["size"], request["base"], request["blocks"], request["labels"], request["train"])
                tasks[request["id"]] = task
                reply({"params": task.params})
            elif op in ("train", "infer"):
                task = tasks[request["id"]]
                reply({"ms": timed(request["reps"], task.train if op == "train" else task.infer)})
            elif op == "drop":
                tasks.pop(request["id"], None)
                reply({"dropped": request["id"]})
            elif op == "rss":
                reply({"peak_rss_mb": peak_rss_mb()})
            else:
                raise ValueError(f"unknown op {op}")
        except Exception as error:  # noqa: BLE001 - every failure goes back as an answer
            reply({"error": f"{type(error).__name__}: {error}"})


def reply(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--serve", action="store_true", help="answer JSON requests on stdin (what percept bench mri does)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--train-size", type=int, default=64)
    parser.add_argument("--infer-size", type=int, default=128)
    parser.add_argument("--base", type=int, default=8)
    parser.add_argument("--blocks", default="2,3,3,3")
    parser.add_argument("--labels", type=int, default=20)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--measured", type=int, default=3)
    args = parser.parse_args()
    if args.serve:
        return serve(args.threads)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    blocks = [int(b) for b in args.blocks.split(",")]
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "parameters": {}, "train_step_ms": {}}
    for mode in [m for m in args.modes.split(",") if m]:
        task = Task(mode, args.train_size, args.base, blocks, args.labels, True)
        result["parameters"][mode] = task.params
        result["train_step_ms"][mode] = median_ms(args.warmup, args.measured, task.train)
        del task
    task = Task("mixed", args.infer_size, args.base, blocks, args.labels, False)
    result["infer_mixed_ms"] = median_ms(args.warmup, args.measured, task.infer)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
