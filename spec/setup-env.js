// Silence libtensorflow's start-up log before the native library is loaded.
process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL || '2';
