//! traces wire types and requests. (Being built: issue 5.)
