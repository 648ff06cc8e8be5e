// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Tensor literals: every entry has one type, and a list is never empty.
use std.nn

fn ragged(x: f32[2]) -> f32[2] = x + sum([[1.0, 2.0], [3.0]]) // expected-error {{a list's entries must have one type: this one is f32[1], the first is f32[2]}}
fn mixed(x: f32[2]) -> f32[2] = x + sum([1.0, [2.0]]) // expected-error {{a list's entries must have one type: this one is f32[1], the first is f32}}
fn empty(x: f32[2]) -> f32[2] = x + sum([]) // expected-error {{an empty list has no type; a tensor literal needs at least one entry}}
