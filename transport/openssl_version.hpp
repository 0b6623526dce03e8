#pragma once
// TlsVersion as OpenSSL numbers it (TLS1_2_VERSION, ...), for SSL_CTX_set_{min,max}_proto_version.

#include <openssl/tls1.h>

#include "transport/tls.hpp"

namespace mailspec::transport {

inline int openssl_version(TlsVersion v) {
    switch (v) {
        case TlsVersion::tls1_0:
            return TLS1_VERSION;
        case TlsVersion::tls1_1:
            return TLS1_1_VERSION;
        case TlsVersion::tls1_2:
            return TLS1_2_VERSION;
        case TlsVersion::tls1_3:
            return TLS1_3_VERSION;
    }
    return 0;
}

}  // namespace mailspec::transport
