use Inputs.cycle_b
fn fa(x) = x
