use std.nn
let shared = dense(4, 4)
