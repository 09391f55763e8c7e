'use strict';
// XMLHttpRequest for Node, as a browser behaves: xhr2 builds responseText only when a response ends, while
// browsers expose it as it arrives, which gRPC-Web server streaming (Subscribe) relies on.
const Xhr2 = require('xhr2');

class StreamingXhr extends Xhr2 {
  _onHttpResponseData(response, data) {
    super._onHttpResponseData(response, data);
    if (this._response === response) {
      this.responseText = Buffer.concat(this._responseParts).toString('latin1');
      this._setReadyState(Xhr2.LOADING);
    }
  }
}

module.exports = StreamingXhr;
