use Inputs.cycle_a
fn fb(x) = x
