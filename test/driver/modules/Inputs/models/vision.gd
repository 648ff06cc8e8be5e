// `use a.b` reads a/b.gd next to the program.
use Inputs.blocks
fn stem(x: f32[784]) = act(x) * 2
