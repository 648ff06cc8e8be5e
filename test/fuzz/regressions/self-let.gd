let a = b
let b = a
let c = c
