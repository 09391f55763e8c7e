'use strict';
// A TCP proxy in front of Tern so a test can cut a client's connection, and refuse new ones for a while,
// without touching the server.
const net = require('node:net');

async function startProxy(targetPort) {
  const sockets = new Set();
  let refusing = false;
  const server = net.createServer(client => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `127.0.0.1:${server.address().port}`,
    /** Cuts every open connection and refuses new ones until `accept()`. */
    cut() {
      refusing = true;
      for (const socket of sockets) {
        socket.destroy();
      }
    },
    accept() {
      refusing = false;
    },
    close() {
      this.cut();
      return new Promise(resolve => server.close(resolve));
    },
  };
}

module.exports = {startProxy};
