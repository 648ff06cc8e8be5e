// A character-level language model: a small decoder-only transformer that
// reads 64 bytes of text and predicts, at each position, the byte that
// follows. Two pre-norm blocks of 4-head causal self-attention and a GELU
// MLP, width 64, with residuals (the lenses are in transformer.gd).
//
// The corpus is the GNU GPL version 3, which every Debian system ships
// (the base-files package): 35149 bytes, cut into 549 windows of 64, a
// tenth held out. A byte predicted from the text's own byte frequencies
// costs 3.17 nats (the unigram entropy); on the held-out tenth this model
// gets to 2.36 nats per byte (valid_loss) in 15 epochs, after which it
// starts to learn the training windows by heart (valid_loss rises again).
//
//   gdc examples/char_transformer.gd -o char_transformer
//   ./char_transformer --data-dir /usr/share/common-licenses
use std.losses
use std.optim
use transformer

let char_transformer = byte_transformer(2, 64, 64, 4)

train gpl {
  model     = char_transformer
  loss      = cross_entropy
  optimizer = adam(lr = 3e-3)
  data      = text("GPL-3", context = 64)
  valid     = 0.1
  batch     = 32
  epochs    = 15
}
