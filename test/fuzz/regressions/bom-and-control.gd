﻿let x = 1
