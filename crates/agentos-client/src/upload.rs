//! Multipart upload with progress (XMLHttpRequest; fetch has no upload progress). (Being built: issue 5.)
