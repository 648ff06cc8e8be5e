let s = "abc\
let t = "\q"
/* never closed
