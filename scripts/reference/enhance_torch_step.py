#!/usr/bin/env python3
"""PyTorch's time for one training step of the speech-enhancement networks (main/enhance/model), as a yardstick.

Usage: enhance_torch_step.py --model unimodal|multimodal|mburst [--conv-channels 32] [--embedding 256]
                             [--batch 16] [--reps 3] [--threads 2]
Prints one JSON line: {"torch", "threads", "model", "params", "ms": [per repetition, after one warm-up]}.

The same network as enhance-net.ts (per channel two 3x3 conv layers, padding 1, stride 1 for the audio
8 x 500 and 2 for the lips 50 x 92, flatten, dense embedding; the embeddings concatenated into a dense
622-unit output; sigmoid units; biases) and the same step:
 - Unimodal and Multimodal: back-propagation (autograd) of the weighted BCE (pos_weight), Adam lr 1e-3,
   weight decay 1e-6 (torch.optim.Adam's L2 form, as train-step.ts);
 - MBURST: burst propagation with no autograd (torch.no_grad), burst-train.ts' rule: the output
   p_L = clip(pbar (1 - h(e_L) dL/de_L), 0, 1), pbar 0.2, h(e) = 1 - e; hidden u = h(e) (Y b_above),
   p = sigmoid(u), b = p e, the same without teaching (bbar); below a conv layer the transposed
   convolution with Y; G = -(b - bbar) e_below^T / N (conv layers: the weight gradient of the padded
   convolution), handed to Adam for W and, the same, for the feedback Y.
Tensors are NCHW here (PyTorch's layout), NHWC in TF.js: the same arithmetic.
"""
import argparse
import json
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as error:  # the caller reports the note
    print(json.dumps({"error": f"no torch: {error}"}))
    sys.exit(0)

BINS, CONTEXT, INPUT_BINS, LIP_H, LIP_W, PBAR = 622, 8, 500, 50, 92, 0.2


def conv_out(n, stride):
    return (n - 1) // stride + 1


def uniform(shape, fan_in, gen):
    bound = 1.0 / fan_in ** 0.5
    return (torch.rand(shape, generator=gen) * 2 - 1) * bound


def build(model, channels, embedding, seed=1):
    gen = torch.Generator().manual_seed(seed)
    specs = [("audio", 1, (CONTEXT, INPUT_BINS))] + ([("lips", 2, (LIP_H, LIP_W))] if model != "unimodal" else [])
    layers = []  # (name, kind, stride, weight, bias, feedback or None, channel)
    for name, stride, (h, w) in specs:
        c_in = 1
        for i in range(2):
            weight = uniform((channels, c_in, 3, 3), 9 * c_in, gen)
            layers.append((f"{name}_conv{i + 1}", "conv", stride, weight, uniform((channels,), 9 * c_in, gen),
                           uniform(weight.shape, 9 * c_in, gen) if i == 1 else None, name))
            c_in, h, w = channels, conv_out(h, stride), conv_out(w, stride)
        flat = channels * h * w
        weight = uniform((embedding, flat), flat, gen)
        layers.append((f"{name}_embed", "dense", 1, weight, uniform((embedding,), flat, gen), uniform(weight.shape, flat, gen), name))
    joined = embedding * len(specs)
    weight = uniform((BINS, joined), joined, gen)
    layers.append(("mask", "dense", 1, weight, uniform((BINS,), joined, gen), uniform(weight.shape, joined, gen), "head"))
    if model != "mburst":
        layers = [(n, k, s, w, b, None, c) for (n, k, s, w, b, _, c) in layers]
    return layers


def forward(layers, inputs):
    """Every layer's input and event rate e = sigmoid(v); the head's logits."""
    below, e, embeddings, x = [], [], [], None
    for name, kind, stride, weight, bias, _, channel in layers:
        if channel == "head":
            x = torch.cat(embeddings, 1)
        elif kind == "conv" and name.endswith("conv1"):
            x = inputs[channel]
        if kind == "dense":
            x = x.reshape(x.shape[0], -1)
        below.append(x)
        v = F.conv2d(x, weight, bias, stride=stride, padding=1) if kind == "conv" else F.linear(x, weight, bias)
        x = torch.sigmoid(v)
        e.append(x)
        if name.endswith("_embed"):
            embeddings.append(x)
    return below, e, v


def burst_grads(layers, inputs, target, pos_weight):
    below, e, _ = forward(layers, inputs)
    n = target.shape[0]
    L = len(layers)
    b, bbar = [None] * L, [None] * L
    eL = e[-1]
    teach = -pos_weight * target * (1 - eL) / eL.clamp_min(1e-7) + (1 - target)
    b[-1] = (PBAR * (1 - teach)).clamp(0, 1) * eL
    bbar[-1] = PBAR * eL
    y_head = layers[-1][5]
    down, down_bar = b[-1] @ y_head, bbar[-1] @ y_head
    offset, first = 0, 0
    channels = [c for c in dict.fromkeys(l[6] for l in layers) if c != "head"]
    for channel in channels:
        idx = [i for i, l in enumerate(layers) if l[6] == channel]
        width = layers[idx[-1]][3].shape[0]
        signal, signal_bar = down[:, offset:offset + width], down_bar[:, offset:offset + width]
        offset += width
        for j in reversed(range(len(idx))):
            i = idx[j]
            h = 1 - e[i]
            b[i] = torch.sigmoid(h * signal) * e[i]
            bbar[i] = torch.sigmoid(h * signal_bar) * e[i]
            if j == 0:
                break
            name, kind, stride, weight, _, y, _ = layers[i]
            if kind == "dense":
                shape = e[i - 1].shape
                signal, signal_bar = (b[i] @ y).reshape(shape), (bbar[i] @ y).reshape(shape)
            else:
                size = e[i - 1].shape[2:]
                out_pad = [size[d] - ((b[i].shape[2 + d] - 1) * stride - 2 + 3) for d in range(2)]
                signal = F.conv_transpose2d(b[i], y, stride=stride, padding=1, output_padding=out_pad)
                signal_bar = F.conv_transpose2d(bbar[i], y, stride=stride, padding=1, output_padding=out_pad)
        first += len(idx)
    grads = []
    for i, (name, kind, stride, weight, bias, y, _) in enumerate(layers):
        delta = -(b[i] - bbar[i])
        if kind == "dense":
            gw = delta.t() @ below[i] / n
            gb = delta.sum(0) / n
        else:
            gw = torch.nn.grad.conv2d_weight(below[i], weight.shape, delta, stride=stride, padding=1) / n
            gb = delta.sum((0, 2, 3)) / n
        grads.append((gw, gb))
    return grads


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=["unimodal", "multimodal", "mburst"])
    parser.add_argument("--conv-channels", type=int, default=32)
    parser.add_argument("--embedding", type=int, default=256)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    layers = build(args.model, args.conv_channels, args.embedding)
    params = []
    for (_, _, _, w, bias, y, _) in layers:
        params += [w, bias] + ([y] if y is not None else [])
    for p in params:
        p.requires_grad_(args.model != "mburst")
    opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-6)
    n = args.batch
    inputs = {"audio": torch.rand(n, 1, CONTEXT, INPUT_BINS), "lips": torch.rand(n, 1, LIP_H, LIP_W)}
    target = (torch.rand(n, BINS) < 0.3).float()
    pos_weight = torch.tensor(2.0)

    def step():
        opt.zero_grad(set_to_none=True)
        if args.model == "mburst":
            with torch.no_grad():
                grads = burst_grads(layers, inputs, target, pos_weight)
                for (_, _, _, w, bias, y, _), (gw, gb) in zip(layers, grads):
                    w.grad, bias.grad = gw, gb
                    if y is not None:
                        y.grad = gw.clone()
        else:
            _, _, logits = forward(layers, inputs)
            loss = F.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight)
            loss.backward()
        opt.step()

    step()  # warm-up: allocations, Adam's moments
    times = []
    for _ in range(args.reps):
        start = time.perf_counter()
        step()
        times.append(1000 * (time.perf_counter() - start))
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "model": args.model,
                      "params": sum(p.numel() for p in params), "ms": times}))


if __name__ == "__main__":
    main()
