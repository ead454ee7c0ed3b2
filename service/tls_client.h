// A TLS client over memory buffers (OpenSSL memory BIOs): the connection engine moves the
// socket's bytes in and out, so TLS fits the one epoll loop with no blocking call. It accepts
// any certificate and any protocol version OpenSSL can still speak (identification, not
// trust: the certificate is recorded, not verified), sends no SNI (we know only an address),
// and reports the handshake's facts.
//
// Everything the server sends before the handshake fails is kept (raw_seen()): a plaintext
// service answering our ClientHello is identified from those bytes.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "service/service_info.h"

namespace portauth::service {

class TlsClient {
 public:
  TlsClient();
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  enum class Step { kWant, kDone, kFailed };
  // Bytes read from the socket.
  void feed(std::string_view raw);
  // Advances the handshake with what was fed.
  Step handshake();
  // Bytes for the socket (records to send); empties the buffer.
  std::string take_output();
  // After the handshake: plaintext to send (encrypted into take_output()) and received.
  void write(std::string_view plain);
  // Decrypted bytes, at most `cap`; `closed` is set when the server ended the TLS stream.
  std::string read(size_t cap, bool& closed);

  TlsFacts facts() const;              // after kDone
  const std::string& raw_seen() const { return raw_; }  // the first bytes fed (capped)
  std::string error() const;           // why kFailed

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string raw_;
};

}  // namespace portauth::service
