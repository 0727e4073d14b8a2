// The wall display says the last call aloud once ("Mời số 12 đến quầy 3"): the server's
// espeak-ng recording, or the browser's own Vietnamese voice where the recording cannot play.
// The page reloads every few seconds; the call already said is remembered for this screen.
(function () {
  "use strict";
  var call = document.getElementById("announce");
  if (!call) {
    return;
  }
  var id = call.getAttribute("data-call");
  try {
    if (window.sessionStorage.getItem("motcua-announced") === id) {
      return;
    }
    window.sessionStorage.setItem("motcua-announced", id);
  } catch (ignored) {
    // No storage (private mode): say it on each reload rather than never.
  }
  function speak() {
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) {
      return;
    }
    var voices = window.speechSynthesis.getVoices().filter(function (voice) {
      return (voice.lang || "").toLowerCase().indexOf("vi") === 0;
    });
    if (!voices.length) {
      return;
    }
    var words = new window.SpeechSynthesisUtterance(call.getAttribute("data-text"));
    words.voice = voices[0];
    words.lang = voices[0].lang;
    window.speechSynthesis.speak(words);
  }
  var audio = new window.Audio(call.getAttribute("data-audio"));
  var playing = audio.play();
  if (playing && playing.catch) {
    playing.catch(speak);
  }
  audio.addEventListener("error", speak);
})();
