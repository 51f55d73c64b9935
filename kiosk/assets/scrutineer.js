// The scrutineer station's page: the poll chosen from the polls this station serves,
// then one button per step, each calling the station's JSON interface and showing its
// message. The key ceremony runs by itself once started, showing every scrutineer's
// progress. A file, so that the page passes the strict Content-Security-Policy.
(function(){
  "use strict";
  // The page's language and texts, from its data block (not run: no inline script).
  var D=JSON.parse(document.getElementById('scrutineer-data').textContent);
  var LANG=D.lang;
  var out=document.getElementById('out'),poll=document.getElementById('poll');
  var offices=[];
  var reviewed='';
  function base(){return '/api/polls/'+encodeURIComponent(poll.value)+'/';}
  function show(ok,text){
    out.hidden=!text;out.className=ok?'ok':'error';out.setAttribute('role',ok?'status':'alert');out.textContent=text;
    // The answer stays at the top of the window (sticky): what is scrolled into view
    // (by the keyboard's focus, or a link) stops below it, not under it.
    document.documentElement.style.scrollPaddingTop=text?(out.offsetHeight+16)+'px':'';
  }
  async function call(method,path,body){
    if(!poll.value){show(false,D.no_polls);return null;}
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
  function office(){
    for(var i=0;i<offices.length;i++){if(String(offices[i].poll)===poll.value)return offices[i];}
    return null;
  }
  function officeText(o){
    return D.office.replace('{j}',o.position).replace('{role}',o.role==='counter'?D.role_counter:D.role_scrutineer);
  }

  // The polls this station serves, by name and state; the choice is remembered.
  async function loadPolls(){
    var r=await fetch('/api/polls',{headers:{'Accept-Language':LANG}});var j=await r.json();
    if(!r.ok){show(false,j.error?j.error.message:String(r.status));return;}
    offices=j;
    var keep=poll.value||localStorage.getItem('hv-poll')||'';
    poll.replaceChildren();
    offices.forEach(function(o){
      var opt=document.createElement('option');opt.value=String(o.poll);
      opt.textContent=D.poll_choice.replace(/\{(name|state)\}/g,function(_,k){return k==='name'?o.name:o.state_words;});poll.appendChild(opt);
    });
    if(offices.some(function(o){return String(o.poll)===keep;}))poll.value=keep;
    if(!offices.length)show(false,D.no_polls);
    chosen();
  }
  function chosen(){
    var o=office();
    document.getElementById('office').textContent=o?officeText(o):'';
    if(o)localStorage.setItem('hv-poll',poll.value);
    document.getElementById('ceremony-progress').hidden=true;
    // A scrutineer sees the ceremony's progress and what to do next until the poll opens.
    if(o&&o.role==='scrutineer'&&(o.state==='ceremony'||o.state==='ready'))showCeremony();
  }
  poll.onchange=chosen;
  document.getElementById('refresh-polls').onclick=loadPolls;

  // Every scrutineer's progress through the ceremony, from the station's status.
  function progress(s){
    var table=document.getElementById('ceremony-progress'),body=table.querySelector('tbody');
    body.replaceChildren();
    for(var j=1;j<=s.participants;j++){
      var tr=document.createElement('tr');tr.id='scrutineer-'+j;
      var name=document.createElement('th');name.scope='row';
      name.textContent=D.role_scrutineer+' '+j+(j===s.index?D.this_station:'');tr.appendChild(name);
      [s.published,s.dealt,s.confirmed,s.key_checked].forEach(function(list){
        var td=document.createElement('td');var done=list.indexOf(j)>=0;
        td.textContent=done?'✓':'…';td.className=done?'done':'pending';tr.appendChild(td);
      });
      body.appendChild(tr);
    }
    table.hidden=false;
  }
  async function showCeremony(){var s=await call('GET','ceremony');if(s)progress(s);return s;}

  // The ceremony, once started, goes on by itself: this station takes each step as it
  // comes due and looks again every two seconds until its part is done.
  var running=false;
  async function tick(){
    var s=await showCeremony();
    if(s&&['publish','deal','confirm'].indexOf(s.next)>=0){
      var t=await call('POST','ceremony/step',{});
      if(t)s=await showCeremony();
    }
    var more=s&&['publish','deal','confirm','wait','not_started'].indexOf(s.next)>=0;
    running=running&&!!more;
    document.getElementById('running').hidden=!running;
    if(running)setTimeout(tick,2000);else loadPolls();
  }
  document.getElementById('ceremony-run').onclick=function(){if(running)return;running=true;tick();};
  document.getElementById('ceremony-show').onclick=showCeremony;

  // The write-in mix, after the decryption: this station takes its turn when due and
  // then posts its list shares; it asks again every two seconds until its part is done.
  function mixProgress(m){
    var table=document.getElementById('mix-progress'),body=table.querySelector('tbody');
    body.replaceChildren();
    m.contests.forEach(function(c){
      var tr=document.createElement('tr');
      var th=document.createElement('th');th.scope='row';th.textContent=String(c.contest);tr.appendChild(th);
      [c.turns+' / '+m.scrutineers,c.next===null?'✓':(D.role_scrutineer+' '+c.next+(c.next===m.index?D.this_station:'')),
       c.shares+' / '+m.threshold].forEach(function(t){var td=document.createElement('td');td.textContent=t;tr.appendChild(td);});
      body.appendChild(tr);
    });
    table.hidden=!m.contests.length;
  }
  var mixing=false;
  async function mixTick(){
    var m=await call('POST','mix',{});
    if(m)mixProgress(m);
    mixing=mixing&&!!m&&!m.done;
    document.getElementById('mix-running').hidden=!mixing;
    if(mixing)setTimeout(mixTick,2000);
  }
  function startMix(){
    if(mixing)return;mixing=true;
    document.getElementById('mix-running').hidden=false;
    mixTick();
  }
  document.getElementById('mix-run').onclick=startMix;
  document.getElementById('decrypt').onclick=async function(){
    var j=await call('POST','decrypt',{});
    if(j&&j.mix)startMix();
  };

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
  // A share file chosen from a USB stick (none saved on this station): sent with the
  // key check and the load as base64, never kept here.
  function chosenFile(){
    var f=document.getElementById('share-file').files[0];
    if(!f)return Promise.resolve(null);
    return new Promise(function(ok,fail){
      var r=new FileReader();
      r.onload=function(){ok(String(r.result).split(',')[1]||'');};
      r.onerror=function(){fail(r.error);};
      r.readAsDataURL(f);
    });
  }
  document.getElementById('keycheck').onclick=async function(){
    var p=document.getElementById('pass4');var body={passphrase:p.value};
    var file=await chosenFile();if(file!==null)body.file=file;
    var j=await call('POST','key-check',body);
    if(j){p.value='';}
  };
  // The key share from the saved file, or, typed in, from its paper backup.
  document.getElementById('load').onclick=async function(){
    var p=document.getElementById('pass3'),paper=document.getElementById('paper-text');
    var body={passphrase:p.value};
    if(paper.value.trim())body.paper=paper.value;
    else{var file=await chosenFile();if(file!==null)body.file=file;}
    var j=await call('POST','share/load',body);
    if(j){p.value='';paper.value='';}
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
  loadPolls();
})();
