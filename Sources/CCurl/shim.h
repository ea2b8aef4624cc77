#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call, so these
// wrappers give each argument type its own fixed signature.

static inline CURLcode hire_curl_set_long(CURL *handle, CURLoption option, long value) {
  return curl_easy_setopt(handle, option, value);
}

static inline CURLcode hire_curl_set_pointer(CURL *handle, CURLoption option, const void *value) {
  return curl_easy_setopt(handle, option, value);
}

static inline CURLcode hire_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value) {
  return curl_easy_setopt(handle, option, value);
}

typedef size_t (*hire_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode hire_curl_set_callback(
    CURL *handle, CURLoption option, hire_curl_data_callback callback) {
  return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode hire_curl_get_long(CURL *handle, CURLINFO info, long *value) {
  return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode hire_curl_global_init(void) {
  return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline const char *hire_curl_version(void) {
  return curl_version_info(CURLVERSION_NOW)->version;
}
