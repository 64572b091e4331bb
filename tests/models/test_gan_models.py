"""DCGAN / cDCGAN networks and one training iteration against the same networks and step in PyTorch."""

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from parity import assert_close, randomize_bn_stats, to_nhwc, to_torch
from torch_dcgan import TorchDiscriminator, TorchGenerator, conv_transpose_kernel, torch_rules

from jaxdl.errors import JaxdlError
from jaxdl.gan.steps import dcgan_adam, init_state, make_train_step, sample_inputs
from jaxdl.keys import prng_key
from jaxdl.models.dcgan import Discriminator, Generator, conv_transpose

pytestmark = pytest.mark.parity

SMALL = {"nz": 16, "ngf": 8}
CASES = [(32, 1, 0), (64, 3, 0), (32, 1, 10)]  # image size, channels, classes (0 = unconditional)


def flax_variables(model: torch.nn.Module) -> dict:
    """A torch DCGAN's state_dict as Flax variables, through the test key map."""
    state, variables = {k: v.detach().numpy() for k, v in model.state_dict().items()}, {}
    for rule in torch_rules(model):
        collection, module, leaf = rule.flax
        variables.setdefault(collection, {}).setdefault(module, {})[leaf] = jnp.asarray(rule.transform(state[rule.torch]))
    return variables


def pair(size: int, channels: int, classes: int, seed: int = 0):
    """Torch G and D with random BatchNorm statistics, and the equal Flax modules and variables."""
    torch.manual_seed(seed)
    tg = TorchGenerator(size, channels=channels, num_classes=classes, **SMALL)
    td = TorchDiscriminator(size, ndf=8, channels=channels, num_classes=classes)
    for module in (tg, td):
        randomize_bn_stats(module, seed)
    g = Generator(size, channels=channels, num_classes=classes, **SMALL)
    d = Discriminator(size, ndf=8, num_classes=classes)
    return (tg, td), (g, d), (flax_variables(tg), flax_variables(td))


@pytest.mark.parametrize("stride,padding,size", [(1, 0, 1), (2, 1, 4), (2, 1, 7)])
def test_conv_transpose_matches_torch(stride, padding, size):
    """The sub-pixel ConvTranspose == torch ConvTranspose2d(k4, s, p) and flax's zero-inserted form: values and size."""
    torch.manual_seed(0)
    layer = torch.nn.ConvTranspose2d(5, 6, 4, stride, padding, bias=False)
    x = np.random.default_rng(0).normal(size=(2, size, size, 5)).astype(np.float32)
    ours = conv_transpose(6, stride, padding, None).apply(
        {"params": {"kernel": (kernel := conv_transpose_kernel(layer.weight.detach().numpy()))}}, x)
    assert ours.shape[1] == (size - 1) * stride - 2 * padding + 4
    assert_close(ours, to_nhwc(layer(to_torch(x))), rel=1e-5)
    pad = 4 - 1 - padding  # flax pads the zero-inserted input by k-1-p for PyTorch's output size
    flax_form = nn.ConvTranspose(6, (4, 4), (stride, stride), ((pad, pad), (pad, pad)), transpose_kernel=True, use_bias=False)
    assert_close(ours, flax_form.apply({"params": {"kernel": kernel}}, x), rel=1e-5)


@pytest.mark.parametrize("size,channels,classes", CASES)
@pytest.mark.parametrize("train", [False, True])
def test_forward_matches_torch(size, channels, classes, train):
    """G and D outputs equal PyTorch's with copied weights, in eval (running stats) and train (batch stats) mode."""
    (tg, td), (g, d), (gv, dv) = pair(size, channels, classes)
    rng = np.random.default_rng(1)
    z = rng.normal(size=(6, 16)).astype(np.float32)
    labels = np.arange(6) % classes if classes else None
    t_labels = torch.from_numpy(labels) if classes else None
    tg.train(train), td.train(train)
    with torch.no_grad():
        t_fake = tg(torch.from_numpy(z), t_labels)
        t_logits = td(t_fake, t_labels).numpy()
    fake = g.apply(gv, z, labels, train=train, mutable=["batch_stats"])[0] if train else g.apply(gv, z, labels)
    assert fake.shape == (6, size, size, channels)
    assert_close(fake, to_nhwc(t_fake), rel=1e-5)
    x = to_nhwc(t_fake)
    logits = d.apply(dv, x, labels, train=train, mutable=["batch_stats"])[0] if train else d.apply(dv, x, labels)
    assert_close(logits, t_logits, rel=1e-4)


def test_course_default_shapes_ranges_and_parameter_counts():
    """The course's 32x32 DCGAN (nz 100, widths 32, gray): exact parameter counts, tanh range, one logit per image."""
    tx = dcgan_adam()
    g, d = Generator(), Discriminator()
    state = init_state(g, d, prng_key(0), tx, tx)
    count = lambda tree: sum(leaf.size for leaf in jax.tree_util.tree_leaves(tree))  # noqa: E731
    assert count(state.g.params) == 369_600 == sum(p.numel() for p in TorchGenerator().parameters())
    assert count(state.d.params) == 166_848 == sum(p.numel() for p in TorchDiscriminator().parameters())
    images = g.apply({"params": state.g.params, "batch_stats": state.g.batch_stats}, 3 * jax.random.normal(prng_key(1), (8, 100)))
    assert images.shape == (8, 32, 32, 1)
    assert -1.0 <= float(images.min()) < 0 < float(images.max()) <= 1.0
    assert d.apply({"params": state.d.params, "batch_stats": state.d.batch_stats}, images).shape == (8,)
    kernel = np.asarray(state.g.params["convT1"]["kernel"])
    assert abs(kernel.std() - 0.02) < 0.002 and abs(kernel.mean()) < 0.001  # DCGAN init N(0, 0.02)
    with pytest.raises(JaxdlError, match="image_size must be 32 or 64"):
        Generator(image_size=48).init(prng_key(0), jnp.zeros((1, 100)))


def torch_iteration(tg, td, real, z, labels, fake_labels, saturating: bool) -> dict[str, float]:
    """The PyTorch DCGAN recipe's iteration: D on real and detached fake, then G through the updated D."""
    og = torch.optim.Adam(tg.parameters(), 2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(td.parameters(), 2e-4, betas=(0.5, 0.999))
    fake = tg(z, fake_labels)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    real_logits, fake_logits = td(real, labels), td(fake.detach(), fake_labels)
    d_loss = bce(real_logits, torch.ones_like(real_logits)) + bce(fake_logits, torch.zeros_like(fake_logits))
    od.zero_grad(), d_loss.backward(), od.step()
    after = td(fake, fake_labels)
    g_loss = torch.nn.functional.logsigmoid(-after).mean() if saturating else bce(after, torch.ones_like(after))
    og.zero_grad(), g_loss.backward(), og.step()
    return {"d_loss": d_loss.item(), "g_loss": g_loss.item()}


def test_train_step_matches_torch(loss="nonsaturating", classes=10):
    """One jitted jaxdl iteration == one PyTorch iteration from the same weights and z: losses and updated weights.

    Both in float64: convT1's label-map inputs get gradients that nearly cancel, and Adam's g / (sqrt(v) + 1e-8)
    magnifies their rounding; in float32 the weights were 4.1e-6 apart on one CPU and 9.5e-6 on another (with the CLI's
    XLA flags), i.e. the bound depended on the machine. Running variances differ by design: PyTorch averages in the
    unbiased batch variance (x n/(n-1)), Flax the biased one; with momentum 0.1 and n >= 16 values per channel they
    differ by at most 0.1/15 relative."""
    with jax.enable_x64(True):
        (tg, td), (g, d), _ = pair(32, 1, classes)
        tg, td = tg.double(), td.double()
        gv, dv = flax_variables(tg), flax_variables(td)
        tx = dcgan_adam()
        state = init_state(g, d, prng_key(0), tx, tx)
        state = state.replace(g=state.g.replace(params=gv["params"], batch_stats=gv["batch_stats"], opt_state=tx.init(gv["params"])),
                              d=state.d.replace(params=dv["params"], batch_stats=dv["batch_stats"], opt_state=tx.init(dv["params"])))
        real = np.random.default_rng(2).uniform(-1, 1, (16, 32, 32, 1))
        labels = np.arange(16) % classes if classes else None
        key = prng_key(3)
        z, fake_labels = sample_inputs(g, key, 16)
        new_state, metrics = jax.jit(make_train_step(g, d, loss))(state, (real, labels), key)
        as_torch = lambda a: None if a is None else torch.from_numpy(np.array(a))  # noqa: E731
        tg.train(), td.train()
        expected = torch_iteration(tg, td, to_torch(real), as_torch(z).double(), as_torch(labels), as_torch(fake_labels),
                                   loss == "saturating")
        assert z.dtype == jnp.float64 and metrics["d_loss"].dtype == jnp.float64
        for name in expected:
            assert abs(float(metrics[name]) - expected[name]) < 1e-12, name
        for ours, theirs in ((new_state.g, flax_variables(tg)), (new_state.d, flax_variables(td))):
            diffs = jax.tree_util.tree_map(lambda a, b: float(jnp.max(jnp.abs(a - b))), ours.params, theirs["params"])
            assert max(jax.tree_util.tree_leaves(diffs)) < 1e-10, diffs
            for name, stats in ours.batch_stats.items():
                assert float(jnp.max(jnp.abs(stats["mean"] - theirs["batch_stats"][name]["mean"]))) < 1e-12, name
                np.testing.assert_allclose(stats["var"], theirs["batch_stats"][name]["var"], rtol=0.1 / 15, err_msg=name)
