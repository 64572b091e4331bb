"""Data-parallel training on 4 forced CPU devices equals 1 device: DANN and DCGAN (BatchNorm over the global batch); the
GAN's own noise is split over the devices too.

One process of tests/support/processes.py (XLA must see the device count before it starts) trains each model on a 1-device mesh and on the
4-device mesh with the same seed and batches (DANN also predicts 30 images, padded to 32 rows), and prints the largest
differences.
"""

import json

import pytest
from processes import run

SCRIPT = """
import json
import jax, numpy as np
from jaxdl import parallel, training
from jaxdl.dann.train import fit as fit_dann, predict
from jaxdl.errors import JaxdlError
from jaxdl.gan.data import load
from jaxdl.gan.steps import dcgan_adam, init_state, make_train_step
from jaxdl.keys import prng_key
from jaxdl.models.dcgan import Discriminator, Generator

def gap(a, b):
    return max(float(np.abs(np.asarray(x, np.float64) - np.asarray(y, np.float64)).max())
               for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b)))

one, four = parallel.data_mesh(jax.devices()[:1]), parallel.data_mesh()
rng = np.random.default_rng(0)
source = rng.uniform(-1, 1, (32, 32, 32, 3)).astype(np.float32), rng.integers(0, 10, 32)
target = source[0][::-1], source[1]
dann = [fit_dann("dann", source, target, epochs=2, batch_size=8, progress=False, mesh=m) for m in (one, four)]
start = fit_dann("dann", source, target, epochs=0, progress=False, mesh=one)[0]
predicted = [predict(dann[0][0].params, source[0][:30], batch_size=8, mesh=m) for m in (one, four)]  # padded to 32 rows

images = load("digits", 32).train[:64]
g, d, tx = Generator(nz=16, ngf=8), Discriminator(ndf=8), dcgan_adam()
batches = lambda epoch: (images[i:i + 16] for i in range(0, 64, 16))
settings = training.Settings(1, 4, prng_key(0), key_offset=2, log_every=1, progress=False)
gan = [training.fit(init_state(g, d, prng_key(0), tx, tx), make_train_step(g, d), lambda e: ((x, None) for x in batches(e)),
                    settings, mesh=m) for m in (one, four)]
def step_flops(g, d, mesh):  # the per-device FLOPs of a compiled conditional GAN step (batch 16) over mesh
    same, state = parallel.replicated(mesh), init_state(g, d, prng_key(0), tx, tx)
    step = jax.jit(make_train_step(g, d), in_shardings=(same, parallel.split(mesh), same))
    batch = parallel.put_batch((images[:16], np.arange(16) % 10), mesh)
    with jax.set_mesh(mesh):
        compiled = step.lower(parallel.put_replicated(state, mesh), batch, parallel.put_replicated(prng_key(1), mesh)).compile()
    return compiled.cost_analysis()["flops"]

cg, cd = Generator(nz=16, ngf=8, num_classes=10), Discriminator(ndf=8, num_classes=10)
try:
    fit_dann("dann", source, target, epochs=1, batch_size=6, progress=False, mesh=four)
    error = None
except JaxdlError as e:
    error = str(e)
print(json.dumps({
    "devices": len(four.devices.flat), "error": error, "dann_moved": gap(start.params, dann[0][0].params),
    "dann_params": gap(dann[0][0].params, dann[1][0].params),
    "dann_losses": max(abs(a[k] - b[k]) for a, b in zip(dann[0][1], dann[1][1]) for k in ("label_loss", "domain_loss")),
    "predict_features": gap(predicted[0][1], predicted[1][1]), "predict_classes": int((predicted[0][0] != predicted[1][0]).sum()),
    "predict_rows": len(predicted[1][0]),
    "gan_params": gap((gan[0][0].g.params, gan[0][0].d.params), (gan[1][0].g.params, gan[1][0].d.params)),
    "gan_batch_stats": gap((gan[0][0].g.batch_stats, gan[0][0].d.batch_stats), (gan[1][0].g.batch_stats, gan[1][0].d.batch_stats)),
    "gan_losses": max(abs(a[k] - b[k]) for a, b in zip(gan[0][1], gan[1][1]) for k in ("d_loss", "g_loss")),
    "gan_steps": len([r for r in gan[0][1] if "epoch" not in r]),
    "gan_flops_4_over_1": step_flops(cg, cd, four) / step_flops(cg, cd, one),
}))
"""


@pytest.fixture(scope="module")
def gaps():
    done = run(["-c", SCRIPT], processes=1, devices=4, timeout=900)[0]
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_dann_on_4_devices_equals_1_device(gaps):
    """8 steps (4 per epoch, batches of 8 source + 8 target split 2+2 per device): measured gaps ~1e-8."""
    assert gaps["devices"] == 4 and gaps["dann_moved"] > 1e-3
    assert gaps["dann_params"] < 1e-5 and gaps["dann_losses"] < 1e-5, gaps
    assert gaps["predict_rows"] == 30 and gaps["predict_classes"] == 0 and gaps["predict_features"] < 1e-5, gaps


def test_dcgan_on_4_devices_equals_1_device(gaps):
    """4 iterations of batch 16 (4 per device) in the loop; BatchNorm statistics are over the global batch, so they agree."""
    assert gaps["gan_steps"] == 4
    assert gaps["gan_params"] < 1e-5 and gaps["gan_batch_stats"] < 1e-5 and gaps["gan_losses"] < 1e-5, gaps


def test_gan_noise_is_drawn_per_device_like_the_batch(gaps):
    """The conditional GAN's step draws z and its labels split over the devices: each of 4 devices does a quarter of
    one device's FLOPs (0.254 measured; 0.82 when every device ran the generator on the whole batch)."""
    assert gaps["gan_flops_4_over_1"] < 0.3, gaps


def test_batch_not_divisible_by_the_devices_is_one_clear_error(gaps):
    assert gaps["error"] == "batch of 6 does not split over 4 devices; use a batch size divisible by 4"

