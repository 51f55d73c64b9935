// The scrutineer station's page: a poll number, then one button per step, each
// calling the station's JSON interface and showing its message. A file, so that the
// page passes the strict Content-Security-Policy.
(function(){
  "use strict";
  // The page's language and texts, from its data block (not run: no inline script).
  var D=JSON.parse(document.getElementById('scrutineer-data').textContent);
  var LANG=D.lang;
  var out=document.getElementById('out'),poll=document.getElementById('poll');
  poll.value=localStorage.getItem('hv-poll')||'';
  poll.onchange=function(){localStorage.setItem('hv-poll',poll.value.trim());};
  var reviewed='';
  function base(){return '/api/polls/'+encodeURIComponent(poll.value.trim())+'/';}
  function show(ok,text){out.className=ok?'ok':'error';out.setAttribute('role',ok?'status':'alert');out.textContent=text;}
  async function call(method,path,body){
    var opt={method:method,headers:{'Accept-Language':LANG}};
    if(body!==undefined){opt.headers['Content-Type']='application/json';opt.body=JSON.stringify(body);}
    var r=await fetch(base()+path,opt);var j=await r.json();
    if(!r.ok){show(false,j.error?j.error.message:String(r.status));return null;}
    show(true,j.message||'OK');
    if(j.fingerprint){
      document.getElementById('fingerprint').textContent=j.fingerprint;
      document.getElementById('key-fingerprint').textContent=j.key_fingerprint;
      document.getElementById('fp').hidden=false;
    }
    return j;
  }
  document.querySelectorAll('[data-post]').forEach(function(b){b.onclick=function(){call('POST',b.dataset.post,{});};});
  document.querySelectorAll('[data-get]').forEach(function(b){b.onclick=function(){call('GET',b.dataset.get);};});
  document.getElementById('save').onclick=async function(){
    var p1=document.getElementById('pass1'),p2=document.getElementById('pass2');
    var j=await call('POST','share',{passphrase:p1.value,again:p2.value});
    if(j){p1.value='';p2.value='';}
  };
  document.getElementById('paper').onclick=async function(){
    var r=await fetch(base()+'share/paper',{headers:{'Accept-Language':LANG}});
    if(!r.ok){var j=await r.json();show(false,j.error.message);return;}
    var w=window.open('','_blank');var pre=w.document.createElement('pre');
    pre.style.fontSize='14pt';pre.textContent=await r.text();w.document.body.appendChild(pre);w.print();
  };
  document.getElementById('download').onclick=function(){window.location=base()+'share/file';};
  document.getElementById('keycheck').onclick=async function(){
    var p=document.getElementById('pass4');var j=await call('POST','key-check',{passphrase:p.value});
    if(j){p.value='';}
  };
  document.getElementById('load').onclick=async function(){
    var p=document.getElementById('pass3');var j=await call('POST','share/load',{passphrase:p.value});
    if(j){p.value='';}
  };
  document.getElementById('review').onclick=async function(){
    var j=await call('GET','result');if(!j)return;
    reviewed=j.digest;var d=document.getElementById('digest');d.hidden=false;d.textContent=j.digest_short;
    document.getElementById('sheet').textContent=j.sheet;
  };
  document.getElementById('sign').onclick=function(){
    if(!reviewed){show(false,D.need_review);return;}
    call('POST','signature',{digest:reviewed});
  };
})();
