#!/usr/bin/env bash
# Trains the bundled default brain-structure segmenter (models/mri/gabor-mixed-fixture) with the project's own
# commands, on the synthetic cohort from Debian's mricron-data (the ch2 head and the AAL atlas, deformed), and
# writes where it came from into its card. Needs a build (npm run build) and mricron-data. About 40 minutes on
# two cores. The model is small (base 4) because its Gabor layers ship as materialised 7^3 convolution weights.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PERCEPT_HOME="$work/home"
percept() { node "$root/bin/percept.mjs" "$@"; }

seed=7 subjects=20 tests=4 size=48 base=4 mode=mixed loss=pcc lr=0.01 epochs=${EPOCHS:-24}
percept mri cohort "$work/cohort" --subjects $subjects --test-subjects $tests --seed $seed > /dev/null
percept mri train --dataset "$work/cohort/train" --mode $mode --loss $loss --lr $lr --size $size \
  --base-filters $base --epochs $epochs --json > "$work/result.json"
id=$(node -e "console.log(JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).modelId)" "$work/result.json")

name=gabor-mixed-fixture
target="$root/models/mri/$name"
rm -rf "$target.new" && mkdir -p "$root/models/mri"
cp -r "$PERCEPT_HOME/models/$id" "$target.new"
# Named for the folder (the job id that trained it stays in the provenance).
node -e "const f = process.argv[1], fs = require('fs'), m = JSON.parse(fs.readFileSync(f, 'utf8')); m.name = process.argv[2]; m.description = 'Brain structure segmentation (19 structures), mixed Gabor/conventional kernels, PCC loss (Wong & Moradi 2022), trained on a synthetic cohort from one template (see card.md); not for clinical use'; fs.writeFileSync(f, JSON.stringify(m, null, 2) + '\\n')" "$target.new/model.json" "$name"
cat >> "$target.new/card.md" <<CARD

## Where this bundled model came from
Trained by \`scripts/train-bundled-mri-model.sh\` on the cohort that
\`percept mri cohort <dir> --subjects $subjects --test-subjects $tests --seed $seed\` writes from Debian's mricron-data
(the ch2 head and its AAL atlas grouped into 19 structures, deformed smoothly by a few mm, with bias fields, intensity
rescaling, noise, fields of view and voxel orders of their own), with \`percept mri train --mode $mode --loss $loss
--lr $lr --size $size --base-filters $base --epochs $epochs\` on its train/ folder. The subjects in the cohort's test/
folder were never seen in training. It has never seen a real patient: it shows the pipeline end to end and is no
substitute for a model trained on real, labelled MRI.
CARD
rm -rf "$target" && mv "$target.new" "$target"
echo "bundled model written to models/mri/$name"
